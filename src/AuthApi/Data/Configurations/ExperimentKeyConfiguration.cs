using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Tokens;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class ExperimentKeyConfiguration : IEntityTypeConfiguration<ExperimentKey>
{
    public void Configure(EntityTypeBuilder<ExperimentKey> builder)
    {
        builder.Property(k => k.Kid).HasMaxLength(64);
        builder.HasIndex(k => k.Kid).IsUnique();
        builder.Property(k => k.PublicKey).HasMaxLength(OpenSshRsaKey.MaxTextLength);
        // At most one active (unretired) key per experiment, whatever replicas race to rotate.
        builder.HasIndex(k => k.ExperimentId).IsUnique().HasFilter("retired_at IS NULL").HasDatabaseName("ix_experiment_keys_active");
        builder.HasOne<Experiment>().WithMany(e => e.Keys).HasForeignKey(k => k.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
