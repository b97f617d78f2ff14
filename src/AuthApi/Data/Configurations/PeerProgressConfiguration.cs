using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class PeerProgressConfiguration : IEntityTypeConfiguration<PeerProgress>
{
    public void Configure(EntityTypeBuilder<PeerProgress> builder)
    {
        builder.HasKey(p => new { p.ExperimentId, p.PeerKeyFingerprint });
        builder.Property(p => p.PeerKeyFingerprint).HasMaxLength(43);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(p => p.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
