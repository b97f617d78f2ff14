using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Tokens;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class IssuedTokenConfiguration : IEntityTypeConfiguration<IssuedToken>
{
    public void Configure(EntityTypeBuilder<IssuedToken> builder)
    {
        builder.Property(t => t.Username).HasMaxLength(HfNames.MaxLength);
        builder.Property(t => t.UserId).HasMaxLength(HfUserConfiguration.IdLength);
        builder.Property(t => t.PeerKeyFingerprint).HasMaxLength(64);
        builder.Property(t => t.PeerPublicKey).HasMaxLength(OpenSshRsaKey.MaxTextLength);
        builder.Property(t => t.Kid).HasMaxLength(64);
        builder.Property(t => t.RevokedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(t => t.RevocationReason).HasMaxLength(1000);
        // A user's live peer keys, counted by every fresh join (twice: before signing, and under the lock of the group
        // commit) from the index alone: revoked_at is carried in it, so no row is read from the table.
        builder.HasIndex(t => new { t.ExperimentId, t.UserId, t.PeerKeyFingerprint, t.ExpiresAt }).IncludeProperties(t => t.RevokedAt);
        builder.HasIndex(t => new { t.ExperimentId, t.ExpiresAt });
        // Attribution of contribution reports: who was the key's token issued to?
        builder.HasIndex(t => new { t.ExperimentId, t.PeerKeyFingerprint, t.IssuedAt });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(t => t.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
