using System.ComponentModel;
using Moderation.Contracts.Contributions;

namespace Moderation.Contracts.Jobs;

// The background jobs AuthApi runs, as Hangfire stores them: by these interfaces, which live here (not in AuthApi) so
// the jobs dashboard in ModeratorUi can load each job's type and show its display name without AuthApi's assembly. AuthApi
// implements them and sets their retry, concurrency and queue policies (Jobs/JobPolicies).

/// <summary>Lifts bans whose end has passed (every 30 s).</summary>
public interface IBanExpiryJob
{
    [DisplayName("Lift expired bans")]
    Task<int> RunAsync(CancellationToken ct);
}

/// <summary>Rotates experiment signing keys that are due and retires old ones (daily).</summary>
public interface IKeyRotationJob
{
    [DisplayName("Rotate experiment signing keys")]
    Task<int> RunAsync(CancellationToken shutdown);
}

/// <summary>Forgets DPoP proof ids too old to be replayed (hourly).</summary>
public interface IUsedProofPurgeJob
{
    [DisplayName("Forget expired DPoP proofs")]
    Task<int> RunAsync(CancellationToken ct);
}

/// <summary>Credits new contribution reports and rebuilds the leaderboards that changed (every minute).</summary>
public interface ILeaderboardJob
{
    [DisplayName("Rebuild the leaderboards")]
    Task<LeaderboardRefreshResponse> RunAsync(int? experimentToRebuild, CancellationToken cancelled);
}

/// <summary>Applies one rollback: the checkpoint store, then the registry.</summary>
public interface IRollbackJob
{
    [DisplayName("Roll back (rollback #{0})")]
    Task RunAsync(long rollbackId, CancellationToken shutdown);
}

/// <summary>Fails rollbacks left pending or running with no job to finish them, so they can be retried (every minute).</summary>
public interface IRollbackSweepJob
{
    [DisplayName("Fail stranded rollbacks")]
    Task<int> RunAsync(CancellationToken ct);
}
