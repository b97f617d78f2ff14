using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class ContributionHourConfiguration : IEntityTypeConfiguration<ContributionHour>
{
    public void Configure(EntityTypeBuilder<ContributionHour> builder)
    {
        builder.HasKey(h => new { h.ExperimentId, h.Contributor, h.Hour });
        builder.Property(h => h.Contributor).HasMaxLength(HfNames.MaxLength); // a user id, or an unattributed key's fingerprint
        builder.HasIndex(h => new { h.ExperimentId, h.Hour });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(h => h.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
