using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class RevocationStateConfiguration : IEntityTypeConfiguration<RevocationState>
{
    public void Configure(EntityTypeBuilder<RevocationState> builder)
    {
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasData(new RevocationState { Id = 1, Version = 0 });
    }
}
