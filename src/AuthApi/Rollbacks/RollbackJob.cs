using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Checkpoints;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.AuthApi.Rollbacks;

/// <summary>
/// Applies one rollback: under a per-experiment lock (two rollbacks of one experiment never run at once), applies the
/// target to the checkpoint store with retries and backoff (attempts and the last error recorded), then moves the
/// registry: later checkpoints superseded, the target current, contributions after its step marked rolled back. Re-running a finished rollback does nothing, so a job
/// Hangfire restarts after a crash applies nothing twice.
/// </summary>
public sealed class RollbackJob(
    ModerationDb db, ICheckpointStore store, UnitOfWork work, TimeProvider clock, IOptions<CheckpointStoreOptions> options, ILogger<RollbackJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(long rollbackId, CancellationToken ct)
    {
        var experimentId = await db.Rollbacks.Where(r => r.Id == rollbackId).Select(r => (int?)r.ExperimentId).FirstOrDefaultAsync(ct);
        if (experimentId is null)
        {
            return;
        }
        // The lock lives on a connection of its own, outside the pool: closing it ends the session and so releases the
        // lock whatever happens to the job (cancelled at shutdown, failed, crashed).
        var lockConnectionString = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ConnectionString;
        await using var lockConnection = new NpgsqlConnection(lockConnectionString);
        await lockConnection.OpenAsync(ct);
        await using (var takeLock = new NpgsqlCommand(AdvisoryLocks.Rollback, lockConnection))
        {
            takeLock.Parameters.AddWithValue("experiment", experimentId.Value);
            takeLock.CommandTimeout = 0;
            await takeLock.ExecuteNonQueryAsync(ct);
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

        if (target.Status == CheckpointStatus.Quarantined)
        {
            await FinishAsync(rollback, experiment, "The target checkpoint was quarantined after the rollback was requested.", ct);
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
                    await FinishAsync(rollback, experiment, rollback.LastError, ct);
                    return;
                }
                await Task.Delay(delays[attempt], ct);
            }
        }

        await work.RunAsync(async action =>
        {
            rollback.SupersededCheckpoints = await db.Checkpoints
                .Where(c => c.ExperimentId == rollback.ExperimentId && c.Step > target.Step && c.Status == CheckpointStatus.Active)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CheckpointStatus.Superseded), ct);
            rollback.MarkedContributions = await RolledBackContributions.MarkAsync(db, rollback.ExperimentId, target.Step, ct);
            target.Status = CheckpointStatus.Active;
            rollback.Status = RollbackStatus.Succeeded;
            rollback.FinishedAt = clock.GetUtcNow();
            rollback.LastError = null;
            action.Audit(new AuditRecord(experiment, "system:rollback", "rollback.succeeded", $"step {target.Step} ({target.Revision})",
                rollback.Reason, After: new
                {
                    rollback_id = rollback.Id, rollback.Attempts, superseded = rollback.SupersededCheckpoints,
                    contributions_marked = rollback.MarkedContributions,
                }));
            action.Changes(experiment);
            return true;
        }, ct);
    }

    private async Task FinishAsync(Rollback rollback, Experiment experiment, string error, CancellationToken ct)
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
