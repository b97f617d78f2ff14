using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

/// <summary>Creating an experiment, the same through the native and the reference-compatible API.</summary>
public sealed class ExperimentCreation(KeyRing keys, AuditLog audit, ExperimentCache cache, TimeProvider clock)
{
    /// <summary>
    /// Stores <paramref name="experiment"/> (name and settings filled in by the caller) with its creator as owner and a
    /// first signing key, and records it in the audit log, in one transaction.
    /// </summary>
    public async Task CreateAsync(ModerationDb db, Experiment experiment, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        experiment.CreatedAt = now;
        experiment.UpdatedAt = now;
        experiment.Members = [new ExperimentMember { Username = experiment.CreatedBy, Role = ExperimentRole.Owner, GrantedBy = experiment.CreatedBy, GrantedAt = now }];
        experiment.Keys = [keys.NewKey(now)];
        await db.InTransactionAsync(async () =>
        {
            db.Experiments.Add(experiment);
            await db.SaveChangesAsync(ct);
            await audit.AppendAsync(db, new AuditRecord(experiment, experiment.CreatedBy, "experiment.created",
                $"{experiment.OrganizationName}/{experiment.ModelName}", After: experiment.ToDto(ExperimentRole.None)), ct);
            return await db.SaveChangesAsync(ct);
        }, ct);
        await cache.EvictAsync(experiment);
    }
}
