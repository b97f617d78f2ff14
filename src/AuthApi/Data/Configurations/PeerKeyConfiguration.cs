using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class PeerKeyConfiguration : IEntityTypeConfiguration<PeerKey>
{
    public void Configure(EntityTypeBuilder<PeerKey> builder)
    {
        builder.HasKey(k => k.Fingerprint);
        builder.Property(k => k.Fingerprint).HasMaxLength(64);
        builder.Property(k => k.UserId).HasMaxLength(HfUserConfiguration.IdLength);
        builder.HasIndex(k => k.UserId);
    }
}
