using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Keys;

/// <summary>
/// Rotates every experiment key older than <see cref="TokenOptions.RotationPeriodDays"/>. Runs daily as a Hangfire recurring
/// job, one run at a time across instances (<see cref="SessionLock"/>: a run that finds the lock taken does nothing).
/// </summary>
public sealed class KeyRotationJob(
    ModerationDb db, UnitOfWork work, KeyRing keys, TimeProvider clock, IOptions<TokenOptions> options, IOptions<JobOptions> jobOptions,
    ILogger<KeyRotationJob> logger) : IKeyRotationJob
{
    public const string RecurringJobId = "rotate-experiment-keys";

    public async Task<int> RunAsync(CancellationToken shutdown)
    {
        using var deadline = JobDeadline.Start(jobOptions.Value, shutdown);
        var ct = deadline.Token;
        if (options.Value.RotationPeriodDays <= 0)
        {
            return 0;
        }
        await using var held = await SessionLock.TryTakeAsync(db, AdvisoryLocks.TryKeyRotation, ct);
        if (held is null)
        {
            return 0;
        }
        var cutoff = clock.GetUtcNow().AddDays(-options.Value.RotationPeriodDays);
        var dueIds = await db.ExperimentKeys.Where(k => k.RetiredAt == null && k.CreatedAt < cutoff)
            .Select(k => k.ExperimentId).ToListAsync(ct);
        var due = await db.Experiments.AsNoTracking().Where(e => dueIds.Contains(e.Id)).ToListAsync(ct);
        foreach (var experiment in due)
        {
            await keys.RotateAsync(db, work, experiment, "system:key-rotation", ct);
            db.ChangeTracker.Clear();
        }
        if (due.Count > 0)
        {
            logger.LogInformation("Rotated the signing keys of {Count} experiments.", due.Count);
        }
        return due.Count;
    }
}
