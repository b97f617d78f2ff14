using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Checkpoints;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Rollbacks;

/// <summary>
/// Applies one rollback: under a per-experiment lock (two rollbacks of one experiment never run at once), applies the
/// target to the checkpoint store with retries and backoff (attempts and the last error recorded), then moves the
/// registry: later checkpoints superseded, the target current, contributions after its step marked rolled back. Re-running a finished rollback does nothing, so a job
/// Hangfire restarts after a crash applies nothing twice. Runs in the <c>rollbacks</c> worker pool, never waits for the
/// lock (a busy experiment's rollback is scheduled again), and is cut off after <see cref="JobOptions.JobTimeoutSeconds"/>.
/// A transient database failure (PostgreSQL restarting, a failover) anywhere in it is retried from the start, lock
/// included, for about a minute (<see cref="DatabaseRetryDelays"/>); a rollback whose job gave up or vanished is failed
/// by <see cref="RollbackSweepJob"/>, so every rollback ends succeeded or failed (and a failed one can be retried).
/// </summary>
public sealed class RollbackJob(
    ModerationDb db, ICheckpointStore store, UnitOfWork work, TimeProvider clock, IOptions<CheckpointStoreOptions> options,
    IOptions<JobOptions> jobOptions, IBackgroundJobClient jobs, ILogger<RollbackJob> logger) : IRollbackJob
{
    /// <summary>How long a rollback whose experiment is busy with another waits before it tries again.</summary>
    public static readonly TimeSpan BusyRetryDelay = TimeSpan.FromSeconds(3);

    /// <summary>The waits before each new try after a transient database failure: 60 s in all, then the job fails.</summary>
    public static readonly TimeSpan[] DatabaseRetryDelays = [.. new[] { 1, 2, 4, 8, 15, 30 }.Select(s => TimeSpan.FromSeconds(s))];

    public async Task RunAsync(long rollbackId, CancellationToken shutdown)
    {
        using var deadline = JobDeadline.Start(jobOptions.Value, shutdown);
        var ct = deadline.Token;
        try
        {
            for (var failures = 0; ; failures++)
            {
                try
                {
                    await RunOnceAsync(rollbackId, ct);
                    return;
                }
                catch (Exception ex) when (DatabaseErrors.Transient(ex) is { } cause && failures < DatabaseRetryDelays.Length && !ct.IsCancellationRequested)
                {
                    logger.LogWarning("Rollback {Id}: the database failed ({Error}); trying again in {Delay} s.", rollbackId, cause.Message,
                        DatabaseRetryDelays[failures].TotalSeconds);
                    db.ChangeTracker.Clear();
                    await Task.Delay(DatabaseRetryDelays[failures], ct);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !shutdown.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            var rollback = await db.Rollbacks.FirstAsync(r => r.Id == rollbackId, CancellationToken.None);
            if (rollback.Status is RollbackStatus.Succeeded or RollbackStatus.Failed)
            {
                return;
            }
            var experiment = await db.Experiments.AsNoTracking().FirstAsync(e => e.Id == rollback.ExperimentId, CancellationToken.None);
            await FailAsync(work, clock, rollback, experiment,
                $"The rollback did not finish within {jobOptions.Value.JobTimeoutSeconds} s (Hangfire:JobTimeoutSeconds).", CancellationToken.None);
        }
    }

    private async Task RunOnceAsync(long rollbackId, CancellationToken ct)
    {
        var experimentId = await db.Rollbacks.Where(r => r.Id == rollbackId).Select(r => (int?)r.ExperimentId).FirstOrDefaultAsync(ct);
        if (experimentId is null)
        {
            return;
        }
        await using var held = await SessionLock.TryTakeAsync(db, AdvisoryLocks.TryRollback, ct, NpgsqlCommands.Parameter("experiment", experimentId.Value));
        if (held is null)
        {
            // Another rollback of this experiment is running: come back later rather than hold a worker meanwhile.
            jobs.Schedule<IRollbackJob>(JobQueues.Rollbacks, job => job.RunAsync(rollbackId, CancellationToken.None), BusyRetryDelay);
            return;
        }
        await RunLockedAsync(rollbackId, ct);
    }

    private async Task RunLockedAsync(long rollbackId, CancellationToken ct)
    {
        var rollback = await db.Rollbacks.FirstAsync(r => r.Id == rollbackId, ct);
        if (rollback.Status is RollbackStatus.Succeeded or RollbackStatus.Failed)
        {
            return;
        }
        var target = await db.Checkpoints.FirstAsync(c => c.Id == rollback.CheckpointId, ct);
        var experiment = await db.Experiments.AsNoTracking().FirstAsync(e => e.Id == rollback.ExperimentId, ct);
        rollback.Status = RollbackStatus.Running;
        rollback.StartedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);

        if (target.Status is CheckpointStatus.Quarantined or CheckpointStatus.Superseded)
        {
            // Superseded: a rollback to an older checkpoint ran after this one was requested (the API refuses such targets:
            // making it current again would serve a model trained on what that rollback discarded).
            await FailAsync(work, clock, rollback, experiment, target.Status == CheckpointStatus.Quarantined
                ? "The target checkpoint was quarantined after the rollback was requested."
                : "The target checkpoint was superseded after the rollback was requested: a rollback to an older checkpoint ran first.", ct);
            return;
        }
        var delays = options.Value.RetryDelays;
        for (var attempt = 0; ; attempt++)
        {
            rollback.Attempts++;
            // Counted before trying: an attempt cut short by a crash or restart is still an attempt.
            await db.SaveChangesAsync(ct);
            try
            {
                await store.ApplyAsync(experiment, target, ct);
                break;
            }
            catch (Exception ex) when (ex is CheckpointStoreException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                logger.LogWarning("Rollback {Id}, attempt {Attempt}: {Error}", rollback.Id, rollback.Attempts, ex.Message);
                rollback.LastError = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
                await db.SaveChangesAsync(ct);
                if (attempt >= delays.Length || ex is CheckpointStoreException { Permanent: true })
                {
                    await FailAsync(work, clock, rollback, experiment, rollback.LastError, ct);
                    return;
                }
                await Task.Delay(delays[attempt], ct);
            }
        }

        var earlierError = rollback.LastError;
        await work.RunAsync(async action =>
        {
            rollback.SupersededCheckpoints = await db.Checkpoints
                .Where(c => c.ExperimentId == rollback.ExperimentId && c.Step > target.Step && c.Status == CheckpointStatus.Active)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CheckpointStatus.Superseded), ct);
            rollback.MarkedContributions = await RolledBackContributions.MarkAsync(db, rollback.ExperimentId, target.Step, ct);
            target.Status = CheckpointStatus.Active;
            rollback.Status = RollbackStatus.Succeeded;
            rollback.FinishedAt = clock.GetUtcNow();
            // An error of an earlier attempt is history once the rollback succeeded; the audit entry keeps it.
            rollback.LastError = null;
            action.Audit(new AuditRecord(experiment, "system:rollback", "rollback.succeeded", $"step {target.Step} ({target.Revision})",
                rollback.Reason, After: new
                {
                    rollback_id = rollback.Id, rollback.Attempts, superseded = rollback.SupersededCheckpoints,
                    contributions_marked = rollback.MarkedContributions, earlier_error = earlierError,
                }));
            action.Changes(experiment);
            return true;
        }, ct);
    }

    /// <summary>Marks <paramref name="rollback"/> failed with <paramref name="error"/>, audited; a moderator may then retry it.</summary>
    public static async Task FailAsync(UnitOfWork work, TimeProvider clock, Rollback rollback, Experiment experiment, string error, CancellationToken ct)
    {
        rollback.Status = RollbackStatus.Failed;
        rollback.LastError = error;
        rollback.FinishedAt = clock.GetUtcNow();
        await work.RunAsync(action =>
        {
            action.Audit(new AuditRecord(experiment, "system:rollback", "rollback.failed", $"rollback {rollback.Id}", error,
                After: new { rollback.Attempts }));
            return Task.FromResult(true);
        }, ct);
    }
}
