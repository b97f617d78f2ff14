using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class HfUserConfiguration : IEntityTypeConfiguration<HfUser>
{
    /// <summary>HF ids are 24 hex characters; legacy placeholders are "legacy:" + a name.</summary>
    public const int IdLength = 128;

    public void Configure(EntityTypeBuilder<HfUser> builder)
    {
        builder.Property(u => u.Id).HasMaxLength(IdLength);
        builder.Property(u => u.Username).HasMaxLength(HfNames.MaxLength);
        builder.HasIndex(u => u.Username);
    }
}
