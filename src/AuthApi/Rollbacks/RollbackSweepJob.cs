using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Rollbacks;

/// <summary>
/// Every minute: fails the rollbacks that nothing will finish — pending or running, with no outbox row waiting to hand
/// their job over and no Hangfire job for them that is enqueued, running or scheduled — saying so, so that a moderator
/// can retry them. Their job was deleted (the dashboard allows it), or gave up while the database stayed unreachable
/// longer than its retries. A rollback still missing from Hangfire when looked at again a moment later counts: a job
/// moving between states while the lists are read is seen the second time.
/// </summary>
public sealed class RollbackSweepJob(ModerationDb db, JobStorage storage, UnitOfWork work, TimeProvider clock, ILogger<RollbackSweepJob> logger) : IRollbackSweepJob
{
    public const string RecurringJobId = "fail-stranded-rollbacks";

    public const string Error = "No background job is left to finish this rollback (its job was deleted, or gave up while the database was unreachable). Retry it.";

    /// <summary>How long after the first look a stranded rollback is looked for again.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(2);

    private const int Page = 500;

    /// <returns>How many rollbacks it failed.</returns>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var suspects = await StrandedAsync(ct);
        if (suspects.Count == 0)
        {
            return 0;
        }
        await Task.Delay(Recheck, ct);
        var failed = 0;
        foreach (var id in (await StrandedAsync(ct)).Intersect(suspects))
        {
            if (await FailAsync(id, ct))
            {
                failed++;
            }
        }
        return failed;
    }

    private async Task<List<long>> StrandedAsync(CancellationToken ct)
    {
        var unfinished = await db.Rollbacks.AsNoTracking().Where(r => r.Status == RollbackStatus.Pending || r.Status == RollbackStatus.Running)
            .Select(r => r.Id).ToListAsync(ct);
        if (unfinished.Count == 0)
        {
            return [];
        }
        var handingOver = await db.OutboxJobs.AsNoTracking().Where(j => j.Kind == Outbox.RollbackJobKind).Select(j => j.Argument).ToListAsync(ct);
        // Read after the outbox: a row handed over meanwhile was enqueued before it was deleted.
        var live = LiveJobs();
        return [.. unfinished.Except(handingOver).Where(id => !live.Contains(id))];
    }

    /// <summary>
    /// The rollbacks that have a Hangfire job enqueued, running or scheduled. A deleted or failed job may still sit in the
    /// queue (a worker drops it when it comes to it), so the queue's jobs count by their state.
    /// </summary>
    private HashSet<long> LiveJobs()
    {
        var monitoring = storage.GetMonitoringApi();
        var jobs = All(from => monitoring.EnqueuedJobs(JobQueues.Rollbacks, from, Page), j => IsLive(j.Value.State), j => j.Job)
            .Concat(All(from => monitoring.FetchedJobs(JobQueues.Rollbacks, from, Page), j => IsLive(j.Value.State), j => j.Job))
            .Concat(All(from => monitoring.ScheduledJobs(from, Page), j => j.Value.InScheduledState, j => j.Job));
        return [.. jobs.Where(j => j?.Type == typeof(IRollbackJob)).Select(j => (long)j!.Args[0])];
    }

    private static bool IsLive(string? state) => state == EnqueuedState.StateName || state == ProcessingState.StateName;

    /// <summary>The jobs of every page of a monitoring list (<paramref name="listed"/> gets the page at an offset) that <paramref name="live"/> keeps.</summary>
    private static IEnumerable<Job?> All<T>(Func<int, IEnumerable<KeyValuePair<string, T>>> listed, Func<KeyValuePair<string, T>, bool> live, Func<T, Job?> job)
    {
        for (var from = 0; ; from += Page)
        {
            var page = listed(from).ToList();
            foreach (var entry in page.Where(live))
            {
                yield return job(entry.Value);
            }
            if (page.Count < Page)
            {
                yield break;
            }
        }
    }

    /// <summary>Fails the rollback under its experiment's lock (skipped while a job holds it), if it is still unfinished.</summary>
    private async Task<bool> FailAsync(long id, CancellationToken ct)
    {
        var rollback = await db.Rollbacks.FirstAsync(r => r.Id == id, ct);
        await using var held = await SessionLock.TryTakeAsync(db, AdvisoryLocks.TryRollback, ct, NpgsqlCommands.Parameter("experiment", rollback.ExperimentId));
        await db.Entry(rollback).ReloadAsync(ct);
        if (held is null || rollback.Status is RollbackStatus.Succeeded or RollbackStatus.Failed)
        {
            return false;
        }
        var experiment = await db.Experiments.AsNoTracking().FirstAsync(e => e.Id == rollback.ExperimentId, ct);
        logger.LogWarning("Rollback {Id} was {Status} with no job left to finish it; failing it so that it can be retried.", id, rollback.Status);
        await RollbackJob.FailAsync(work, clock, rollback, experiment, Error, ct);
        return true;
    }
}
