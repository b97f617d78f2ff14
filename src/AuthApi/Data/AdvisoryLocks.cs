using Microsoft.EntityFrameworkCore;

namespace Moderation.AuthApi.Data;

/// <summary>
/// Every PostgreSQL advisory lock the application takes, in one place, so that no two purposes can share a key. Locks
/// on a fixed resource use one 64-bit key; locks on a row of a kind use two 32-bit keys (class, id) with a class per
/// kind; locks on a name use a 64-bit hash of it. PostgreSQL keeps the one-key and two-key spaces apart.
/// </summary>
public static class AdvisoryLocks
{
    /// <summary>Held by an instance while it migrates the database.</summary>
    public const long Migration = 0x4D6F64_6572_6174;

    /// <summary>Held while an audit entry is chained, so the chain has no forks.</summary>
    public const long AuditChain = 0x4175_6469_7443_6861;

    /// <summary>Class of the session lock a rollback holds on its experiment (id: the experiment).</summary>
    public const int RollbackClass = 2;

    /// <summary>
    /// The session locks that keep a recurring job from running twice at once (<see cref="SessionLock"/>): a run that finds
    /// the lock taken leaves the work to the run that holds it. They replace Hangfire's <c>DisableConcurrentExecution</c>,
    /// whose lock row outlives an instance killed mid-job by Hangfire.PostgreSql's ten-minute timeout.
    /// </summary>
    public static readonly string TryBanExpiry = $"SELECT pg_try_advisory_lock({0x4261_6E45_7870_6972})";

    /// <inheritdoc cref="TryBanExpiry"/>
    public static readonly string TryKeyRotation = $"SELECT pg_try_advisory_lock({0x4B65_7952_6F74_6174})";

    /// <summary>
    /// Contributions: every ingested batch holds the barrier shared; the leaderboard job takes it exclusive for an instant
    /// to know which report ids are committed. The job lock keeps job chunks, rebuilds and rollback marking apart.
    /// </summary>
    public static readonly string IngestBarrierShared = $"SELECT pg_advisory_xact_lock_shared({ContributionsClass}, 0)";

    public static readonly string IngestBarrierExclusive = $"SELECT pg_advisory_xact_lock({ContributionsClass}, 0)";

    public static readonly string LeaderboardJob = $"SELECT pg_advisory_xact_lock({ContributionsClass}, 1)";

    /// <summary>True when taken; a rollback never waits for it (it tries again later without holding a worker).</summary>
    public static readonly string TryRollback = $"SELECT pg_try_advisory_lock({RollbackClass}, @experiment)";

    /// <summary>
    /// The group commit's lock on each user (<c>"{experiment id}:{user id}"</c>, $1, sorted so that replicas take them in
    /// one order) whose live peer keys it counts, until it commits.
    /// </summary>
    public const string PeerKeyCapUsers = "SELECT pg_advisory_xact_lock(hashtextextended('peer-keys:' || u, 0)) FROM unnest($1::text[]) AS u";

    private const int ContributionsClass = 4;

    /// <summary>Class of the lock that serialises recomputing an experiment's published initial peers (id: the experiment).</summary>
    private const int InitialPeersClass = 5;

    /// <summary>Serialises changes to the initial peers an experiment's service keys published, for the rest of the transaction.</summary>
    public static Task LockInitialPeersAsync(this ModerationDb db, int experimentId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({InitialPeersClass}, {experimentId})", ct);

    /// <summary>Serialises moderation of one user (by HF id) in one experiment (ban, unban, approve), for the rest of the transaction.</summary>
    public static Task LockUserAsync(this ModerationDb db, int? experimentId, string userId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({$"user:{experimentId ?? 0}:{userId}"}, 0))", ct);
}
