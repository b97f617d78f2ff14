using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class JoinRequestConfiguration : IEntityTypeConfiguration<JoinRequest>
{
    public void Configure(EntityTypeBuilder<JoinRequest> builder)
    {
        builder.Property(r => r.UserId).HasMaxLength(HfUserConfiguration.IdLength);
        builder.HasOne(r => r.User).WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.Fullname).HasMaxLength(256);
        builder.Property(r => r.AvatarUrl).HasMaxLength(1024);
        builder.Property(r => r.Orgs).HasMaxLength(4000);
        builder.Property(r => r.Message).HasMaxLength(1000);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.DecidedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(r => r.DecisionReason).HasMaxLength(1000);
        builder.HasIndex(r => new { r.ExperimentId, r.UserId }).IsUnique().HasFilter("status = 'Pending'")
            .HasDatabaseName("ix_join_requests_one_pending");
        builder.HasIndex(r => new { r.ExperimentId, r.Status, r.CreatedAt });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
