using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class ContributorHeadStartConfiguration : IEntityTypeConfiguration<ContributorHeadStart>
{
    public void Configure(EntityTypeBuilder<ContributorHeadStart> builder)
    {
        builder.HasKey(h => new { h.ExperimentId, h.Contributor });
        builder.Property(h => h.Contributor).HasMaxLength(HfUserConfiguration.IdLength);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(h => h.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
