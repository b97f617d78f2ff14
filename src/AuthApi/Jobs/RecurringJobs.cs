using Hangfire;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;
using Moderation.AuthApi.Rollbacks;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Jobs;

/// <summary>
/// Registers the recurring jobs as a worker starts (idempotent: every worker does, and the last settings win). Serving
/// replicas never do: they do not load Hangfire. A cron expression that is not one stops the start, naming its setting.
/// </summary>
public sealed class RecurringJobs(IRecurringJobManager recurring, IOptions<JobOptions> jobOptions, IOptions<CreditOptions> credit) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var jobs = jobOptions.Value;
        recurring.AddOrUpdate<IKeyRotationJob>(KeyRotationJob.RecurringJobId, JobQueues.Default, job => job.RunAsync(CancellationToken.None), Cron.Daily());
        Schedule("Hangfire:BanExpiryCron", jobs.BanExpiryCron, cron =>
            recurring.AddOrUpdate<IBanExpiryJob>(BanExpiryJob.RecurringJobId, JobQueues.Critical, job => job.RunAsync(CancellationToken.None), cron));
        Schedule("Hangfire:RollbackSweepCron", jobs.RollbackSweepCron, cron =>
            recurring.AddOrUpdate<IRollbackSweepJob>(RollbackSweepJob.RecurringJobId, JobQueues.Default, job => job.RunAsync(CancellationToken.None), cron));
        recurring.AddOrUpdate<IUsedProofPurgeJob>(UsedProofPurgeJob.RecurringJobId, JobQueues.Default, job => job.RunAsync(CancellationToken.None), Cron.Hourly());
        Schedule("Contributions:LeaderboardCron", credit.Value.LeaderboardCron, cron =>
            recurring.AddOrUpdate<ILeaderboardJob>(LeaderboardJob.RecurringJobId, JobQueues.Default, job => job.RunAsync(null, CancellationToken.None), cron));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Schedule(string setting, string cron, Action<string> addOrUpdate)
    {
        try
        {
            addOrUpdate(cron);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{setting} '{cron}' is not a valid cron expression: {ex.Message}", ex);
        }
    }
}
