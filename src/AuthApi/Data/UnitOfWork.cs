using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Jobs;
using Moderation.AuthApi.Revocations;

namespace Moderation.AuthApi.Data;

/// <summary>
/// The one way a moderation action is stored: in a transaction, under the per-user lock when it concerns one user, with
/// its revocation-list version, its audit entries and its background jobs (as outbox rows) committed together or not at
/// all (a worker hands the jobs to Hangfire once the commit wakes it); then this replica's caches are told.
/// </summary>
public sealed class UnitOfWork(ModerationDb db, AuditLog audit, RevocationChanges revocations, ExperimentCache experiments, Outbox outbox)
{
    /// <param name="lockUser">Serialises actions on one user in one experiment (null experiment: global) for the transaction.</param>
    public async Task<T> RunAsync<T>(Func<ModerationAction, Task<T>> work, CancellationToken ct, (int? ExperimentId, string UserId)? lockUser = null)
    {
        var action = new ModerationAction();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (lockUser is { } user)
            {
                await db.LockUserAsync(user.ExperimentId, user.UserId, ct);
            }
            var result = await work(action);
            if (action.AuditRecords.Count == 0)
            {
                // Nothing to record means nothing happened (a refusal found under the lock): keep it that way.
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return result;
            }
            // One lock order for every action: the user, then the revocation version, then the audit chain.
            if (action.ChangesRevocations)
            {
                await db.BumpRevocationVersionAsync(ct);
            }
            await db.SaveChangesAsync(ct);
            await audit.AppendAsync(db, action.AuditRecords, ct);
            await outbox.AddAsync(db, action.Jobs, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            if (action.ChangesRevocations)
            {
                revocations.Committed();
            }
            foreach (var experiment in action.ChangedExperiments)
            {
                await experiments.EvictAsync(experiment.Id, experiment.OrganizationName, experiment.ModelName);
            }
            return result;
        }
    }
}
