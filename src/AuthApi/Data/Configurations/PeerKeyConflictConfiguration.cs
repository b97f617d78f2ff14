using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class PeerKeyConflictConfiguration : IEntityTypeConfiguration<PeerKeyConflict>
{
    public void Configure(EntityTypeBuilder<PeerKeyConflict> builder)
    {
        builder.HasKey(c => new { c.ExperimentId, c.PeerKeyFingerprint, c.ClaimantUserId });
        builder.Property(c => c.PeerKeyFingerprint).HasMaxLength(64);
        builder.Property(c => c.ClaimantUserId).HasMaxLength(HfUserConfiguration.IdLength);
        builder.Property(c => c.OwnerUserId).HasMaxLength(HfUserConfiguration.IdLength);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(c => c.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
