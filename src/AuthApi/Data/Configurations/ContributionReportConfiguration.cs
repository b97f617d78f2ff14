using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class ContributionReportConfiguration : IEntityTypeConfiguration<ContributionReport>
{
    public void Configure(EntityTypeBuilder<ContributionReport> builder)
    {
        builder.Property(r => r.PeerKeyFingerprint).HasMaxLength(43);
        builder.Property(r => r.ReportedBy).HasMaxLength(128); // "service-key:<id>" or "peer:<username>"
        builder.Property(r => r.UserId).HasMaxLength(HfUserConfiguration.IdLength);
        // Idempotency: one live report per peer key and step. A rollback marks reports after its target step, so the
        // re-trained steps can be reported again.
        builder.HasIndex(r => new { r.ExperimentId, r.PeerKeyFingerprint, r.Step }).IsUnique().HasFilter("NOT rolled_back")
            .HasDatabaseName("ix_contribution_reports_live");
        builder.HasIndex(r => new { r.ExperimentId, r.Step });
        // Moderators list the clipped and the rolled-back reports; both are few, so these partial indexes stay small.
        builder.HasIndex(r => new { r.ExperimentId, r.Id }, "ix_contribution_reports_clipped").HasFilter("clipped").HasDatabaseName("ix_contribution_reports_clipped");
        builder.HasIndex(r => new { r.ExperimentId, r.Id }, "ix_contribution_reports_rolled_back").HasFilter("rolled_back").HasDatabaseName("ix_contribution_reports_rolled_back");
        // No foreign key to experiments: PostgreSQL checks one per inserted row (a trigger and a lookup each, ~30 % of what a
        // 1,000-report batch cost it). ContributionStore checks the experiment once per batch instead, locking its row
        // (FOR KEY SHARE, as the key check would), and deleting an experiment deletes its reports (ExperimentService).
    }
}
