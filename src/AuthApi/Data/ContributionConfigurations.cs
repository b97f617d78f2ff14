using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data;

public sealed class ContributionReportConfiguration : IEntityTypeConfiguration<ContributionReport>
{
    public void Configure(EntityTypeBuilder<ContributionReport> builder)
    {
        builder.Property(r => r.PeerKeyFingerprint).HasMaxLength(43);
        builder.Property(r => r.ReportedBy).HasMaxLength(128); // "service-key:<id>" or "peer:<username>"
        builder.Property(r => r.Username).HasMaxLength(HfNames.MaxLength);
        // Idempotency: one live report per peer key and step. A rollback marks reports after its target step, so the
        // re-trained steps can be reported again.
        builder.HasIndex(r => new { r.ExperimentId, r.PeerKeyFingerprint, r.Step }).IsUnique().HasFilter("NOT rolled_back")
            .HasDatabaseName("ix_contribution_reports_live");
        builder.HasIndex(r => new { r.ExperimentId, r.Step });
        // Moderators list the clipped and the rolled-back reports; both are few, so these partial indexes stay small.
        builder.HasIndex(r => new { r.ExperimentId, r.Id }, "ix_contribution_reports_clipped").HasFilter("clipped").HasDatabaseName("ix_contribution_reports_clipped");
        builder.HasIndex(r => new { r.ExperimentId, r.Id }, "ix_contribution_reports_rolled_back").HasFilter("rolled_back").HasDatabaseName("ix_contribution_reports_rolled_back");
        builder.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ContributionHourConfiguration : IEntityTypeConfiguration<ContributionHour>
{
    public void Configure(EntityTypeBuilder<ContributionHour> builder)
    {
        builder.HasKey(h => new { h.ExperimentId, h.Contributor, h.Hour });
        builder.Property(h => h.Contributor).HasMaxLength(HfNames.MaxLength); // a username, or an unattributed key's fingerprint
        builder.HasIndex(h => new { h.ExperimentId, h.Hour });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(h => h.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class LeaderboardEntryConfiguration : IEntityTypeConfiguration<LeaderboardEntry>
{
    public void Configure(EntityTypeBuilder<LeaderboardEntry> builder)
    {
        builder.HasKey(e => new { e.ExperimentId, e.TimeWindow, e.Position });
        builder.Property(e => e.TimeWindow).HasMaxLength(8);
        builder.Property(e => e.Contributor).HasMaxLength(HfNames.MaxLength);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(e => e.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class LeaderboardStateConfiguration : IEntityTypeConfiguration<LeaderboardState>
{
    public void Configure(EntityTypeBuilder<LeaderboardState> builder)
    {
        builder.HasKey(s => s.ExperimentId);
        builder.Property(s => s.ExperimentId).ValueGeneratedNever();
        builder.HasOne<Experiment>().WithMany().HasForeignKey(s => s.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class PeerProgressConfiguration : IEntityTypeConfiguration<PeerProgress>
{
    public void Configure(EntityTypeBuilder<PeerProgress> builder)
    {
        builder.HasKey(p => new { p.ExperimentId, p.PeerKeyFingerprint });
        builder.Property(p => p.PeerKeyFingerprint).HasMaxLength(43);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(p => p.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ContributionWatermarkConfiguration : IEntityTypeConfiguration<ContributionWatermark>
{
    public void Configure(EntityTypeBuilder<ContributionWatermark> builder)
    {
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.HasData(new ContributionWatermark { Id = 1, LastReportId = 0 });
    }
}
