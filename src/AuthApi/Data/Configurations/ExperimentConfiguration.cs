using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> builder)
    {
        builder.Property(e => e.OrganizationName).HasMaxLength(HfNames.MaxLength);
        builder.Property(e => e.ModelName).HasMaxLength(HfNames.MaxLength);
        builder.Property(e => e.CreatedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(e => e.CoordinatorIp).HasMaxLength(45);
        builder.Property(e => e.AllowedCheckpointRepositories).HasDefaultValueSql("'{}'");
        builder.Property(e => e.InitialPeers).HasDefaultValueSql("'{}'");
        builder.Property(e => e.PublishedInitialPeers).HasDefaultValueSql("'{}'");
        builder.Property(e => e.TrainingScriptUrl).HasMaxLength(TrainingScriptLinks.MaxLength);
        builder.Property(e => e.MaxPeerKeysPerUser).HasDefaultValue(ExperimentLimits.DefaultMaxPeerKeysPerUser);
        builder.Property(e => e.AccessPolicy).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(e => new { e.OrganizationName, e.ModelName }).IsUnique();
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("ck_experiments_coordinator_port", "coordinator_port BETWEEN 1 AND 65535");
            t.HasCheckConstraint("ck_experiments_token_lifetime", "token_lifetime_minutes > 0");
            t.HasCheckConstraint("ck_experiments_max_peer_keys", "max_peer_keys_per_user > 0");
        });
        builder.HasMany(e => e.Members).WithOne().HasForeignKey(m => m.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
