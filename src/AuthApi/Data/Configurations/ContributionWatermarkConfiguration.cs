using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class ContributionWatermarkConfiguration : IEntityTypeConfiguration<ContributionWatermark>
{
    public void Configure(EntityTypeBuilder<ContributionWatermark> builder)
    {
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.HasData(new ContributionWatermark { Id = 1, LastReportId = 0 });
    }
}
