using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Moderation.AuthApi.Data;

public sealed class ModerationDb(DbContextOptions<ModerationDb> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<ExperimentMember> ExperimentMembers => Set<ExperimentMember>();
    public DbSet<ExperimentKey> ExperimentKeys => Set<ExperimentKey>();
    public DbSet<IssuedToken> IssuedTokens => Set<IssuedToken>();
    public DbSet<AllowlistEntry> AllowlistEntries => Set<AllowlistEntry>();
    public DbSet<Ban> Bans => Set<Ban>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<JoinRequest> JoinRequests => Set<JoinRequest>();
    public DbSet<RevocationState> RevocationStates => Set<RevocationState>();
    public DbSet<RevokedPeerKey> RevokedPeerKeys => Set<RevokedPeerKey>();
    public DbSet<ServiceKey> ServiceKeys => Set<ServiceKey>();
    public DbSet<Checkpoint> Checkpoints => Set<Checkpoint>();
    public DbSet<Rollback> Rollbacks => Set<Rollback>();
    public DbSet<ContributionReport> ContributionReports => Set<ContributionReport>();
    public DbSet<ContributionHour> ContributionHours => Set<ContributionHour>();
    public DbSet<LeaderboardEntry> LeaderboardEntries => Set<LeaderboardEntry>();
    public DbSet<LeaderboardState> LeaderboardStates => Set<LeaderboardState>();
    public DbSet<PeerProgress> PeerProgress => Set<PeerProgress>();
    public DbSet<ContributorHeadStart> ContributorHeadStarts => Set<ContributorHeadStart>();
    public DbSet<ContributionWatermark> ContributionWatermarks => Set<ContributionWatermark>();
    public DbSet<HfUser> HfUsers => Set<HfUser>();
    public DbSet<PeerKey> PeerKeys => Set<PeerKey>();
    public DbSet<PeerKeyConflict> PeerKeyConflicts => Set<PeerKeyConflict>();
    public DbSet<OutboxJob> OutboxJobs => Set<OutboxJob>();
    public DbSet<UsedProof> UsedProofs => Set<UsedProof>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ModerationDb).Assembly);
}
