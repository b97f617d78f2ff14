using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class CheckpointConfiguration : IEntityTypeConfiguration<Checkpoint>
{
    public void Configure(EntityTypeBuilder<Checkpoint> builder)
    {
        builder.Property(c => c.Repository).HasMaxLength(2 * HfNames.MaxLength + 1);
        builder.Property(c => c.Revision).HasMaxLength(40);
        builder.Property(c => c.Url).HasMaxLength(2048);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.QuarantineReason).HasMaxLength(1000);
        builder.Property(c => c.QuarantinedBy).HasMaxLength(HfNames.MaxLength);
        builder.HasIndex(c => new { c.ExperimentId, c.Revision }).IsUnique();
        builder.HasIndex(c => new { c.ExperimentId, c.Step });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(c => c.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
