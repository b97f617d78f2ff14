using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class UsedProofConfiguration : IEntityTypeConfiguration<UsedProof>
{
    public void Configure(EntityTypeBuilder<UsedProof> builder)
    {
        builder.HasKey(p => new { p.PeerKeyFingerprint, p.Jti });
        builder.Property(p => p.PeerKeyFingerprint).HasMaxLength(64);
        builder.Property(p => p.Jti).HasMaxLength(128);
        builder.HasIndex(p => p.ExpiresAt);
    }
}
