using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data;

public sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> builder)
    {
        builder.Property(e => e.OrganizationName).HasMaxLength(HfNames.MaxLength);
        builder.Property(e => e.ModelName).HasMaxLength(HfNames.MaxLength);
        builder.Property(e => e.CreatedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(e => e.CoordinatorIp).HasMaxLength(45);
        builder.Property(e => e.AccessPolicy).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(e => new { e.OrganizationName, e.ModelName }).IsUnique();
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("ck_experiments_coordinator_port", "coordinator_port BETWEEN 1 AND 65535");
            t.HasCheckConstraint("ck_experiments_token_lifetime", "token_lifetime_minutes > 0");
        });
        builder.HasMany(e => e.Members).WithOne().HasForeignKey(m => m.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ExperimentMemberConfiguration : IEntityTypeConfiguration<ExperimentMember>
{
    public void Configure(EntityTypeBuilder<ExperimentMember> builder)
    {
        builder.HasKey(m => new { m.ExperimentId, m.Username });
        builder.Property(m => m.Username).HasMaxLength(HfNames.MaxLength);
        builder.Property(m => m.GrantedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(m => m.Username);
    }
}
