using Hangfire;
using Hangfire.Common;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Jobs;

/// <summary>
/// Each job's retry and concurrency policy, in one place. Jobs are stored by their interfaces in
/// <c>Moderation.Contracts.Jobs</c> (so the dashboard can name them), where Hangfire's attributes cannot go; this
/// instance's servers add them here instead. Queues are given where jobs are enqueued and scheduled.
/// </summary>
public sealed class JobPolicies : IJobFilterProvider
{
    private static readonly Dictionary<Type, JobFilter[]> Filters = new()
    {
        // Ban expiry and key rotation keep one run at a time with a lock that dies with its holder (Data/SessionLock), not
        // Hangfire's DisableConcurrentExecution, whose lock row outlives a killed instance.
        // The next run goes on where this one stopped: no retries piling up.
        [typeof(ILeaderboardJob)] = [Policy(new AutomaticRetryAttribute { Attempts = 0 })],
        [typeof(IRollbackSweepJob)] = [Policy(new AutomaticRetryAttribute { Attempts = 0 })],
        // A rollback retries the checkpoint store itself and records the outcome; Hangfire must not run it again.
        [typeof(IRollbackJob)] = [Policy(new AutomaticRetryAttribute { Attempts = 0 })],
    };

    public IEnumerable<JobFilter> GetFilters(Job? job) => job is not null && Filters.TryGetValue(job.Type, out var filters) ? filters : [];

    /// <summary>As close to the job as an attribute on its method would be: it wins over the global defaults.</summary>
    private static JobFilter Policy(object filter) => new(filter, JobFilterScope.Method, null);
}
