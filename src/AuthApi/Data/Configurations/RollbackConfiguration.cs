using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class RollbackConfiguration : IEntityTypeConfiguration<Rollback>
{
    public void Configure(EntityTypeBuilder<Rollback> builder)
    {
        builder.Property(r => r.Reason).HasMaxLength(1000);
        builder.Property(r => r.RequestedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.LastError).HasMaxLength(2000);
        builder.HasIndex(r => new { r.ExperimentId, r.Id });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Checkpoint>().WithMany().HasForeignKey(r => r.CheckpointId).OnDelete(DeleteBehavior.Restrict);
    }
}
