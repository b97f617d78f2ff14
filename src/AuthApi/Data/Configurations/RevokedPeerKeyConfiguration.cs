using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class RevokedPeerKeyConfiguration : IEntityTypeConfiguration<RevokedPeerKey>
{
    public void Configure(EntityTypeBuilder<RevokedPeerKey> builder)
    {
        builder.HasKey(r => new { r.ExperimentId, r.PeerKeyFingerprint });
        builder.Property(r => r.PeerKeyFingerprint).HasMaxLength(64);
        builder.Property(r => r.UserId).HasMaxLength(HfUserConfiguration.IdLength);
        builder.Property(r => r.RevokedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(r => r.Reason).HasMaxLength(1000);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
