using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Checkpoints;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Json;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Experiments;

/// <summary>Creating, changing and deleting experiments: one implementation behind the native and the reference API.</summary>
public sealed class ExperimentService(ModerationDb db, UnitOfWork work, KeyRing keys, ExperimentRoles roles, Caller caller, TimeProvider clock)
{
    /// <summary>Stores <paramref name="draft"/> (name and settings) with a first signing key. Its creator gets no grant: org admins own it.</summary>
    public async Task<ExperimentOutcome> CreateAsync(Experiment draft, CancellationToken ct)
    {
        if (!roles.CanCreateFor(caller, draft.OrganizationName))
        {
            return ExperimentOutcome.NotAdminOfOrganization;
        }
        if (!caller.IsGlobalAdmin && (await BanStanding.LoadAsync(db, caller.User.Id, clock.GetUtcNow(), ct)).Global)
        {
            // A ban everywhere leaves no power anywhere, an org admin's included (they would own nothing they created).
            return ExperimentOutcome.CallerBanned;
        }
        if (await NameTakenAsync(draft.OrganizationName, draft.ModelName, null, ct))
        {
            return ExperimentOutcome.NameTaken;
        }
        var now = Stored(clock.GetUtcNow());
        draft.CreatedBy = caller.User.Username;
        draft.CreatedAt = now;
        draft.UpdatedAt = now;
        draft.Keys = [keys.NewKey(now)];
        try
        {
            return await work.RunAsync(async action =>
            {
                db.Experiments.Add(draft);
                await db.SaveChangesAsync(ct);
                action.Audit(new AuditRecord(draft, caller.ActorName, "experiment.created", $"{draft.OrganizationName}/{draft.ModelName}",
                    After: draft.ToAuditDto()));
                action.Changes(draft);
                return ExperimentOutcome.Done;
            }, ct);
        }
        catch (DbUpdateException ex) when (NamesClash(ex))
        {
            // The same name in another letter case, created at the same moment through another replica.
            db.ChangeTracker.Clear();
            return ExperimentOutcome.NameTaken;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/>. Moving to another organization takes a global admin, or someone the Hub says
    /// administers both organizations: an explicit owner grant counts only inside the organization it was granted in.
    /// Allowed checkpoint repositories that would lie outside the new organization are dropped unless a global admin moves it.
    /// </summary>
    public async Task<(Experiment Experiment, ExperimentOutcome Outcome)> UpdateAsync(int id, ExperimentChange change, CancellationToken ct)
    {
        var experiment = await db.Experiments.FirstAsync(e => e.Id == id, ct);
        var org = change.OrganizationName ?? experiment.OrganizationName;
        var model = change.ModelName ?? experiment.ModelName;
        var renamed = org != experiment.OrganizationName || model != experiment.ModelName;
        var moved = !string.Equals(org, experiment.OrganizationName, StringComparison.OrdinalIgnoreCase);
        if (moved && !roles.CanMove(caller, experiment.OrganizationName, org))
        {
            return (experiment, ExperimentOutcome.NotAdminOfOrganization);
        }
        if (!caller.IsGlobalAdmin && CheckpointRepositories.NeedingApproval(experiment, change.AllowedCheckpointRepositories).Count > 0)
        {
            return (experiment, ExperimentOutcome.RepositoryNeedsGlobalAdmin);
        }
        if (renamed && await NameTakenAsync(org, model, experiment.Id, ct))
        {
            return (experiment, ExperimentOutcome.NameTaken);
        }
        var before = experiment.ToAuditDto();
        var old = new Experiment { Id = experiment.Id, OrganizationName = experiment.OrganizationName, ModelName = experiment.ModelName, CreatedBy = "" };
        experiment.OrganizationName = org;
        experiment.ModelName = model;
        experiment.CoordinatorIp = change.CoordinatorIp ?? experiment.CoordinatorIp;
        experiment.CoordinatorPort = change.CoordinatorPort ?? experiment.CoordinatorPort;
        experiment.AccessPolicy = change.AccessPolicy ?? experiment.AccessPolicy;
        experiment.TokenLifetimeMinutes = change.TokenLifetimeMinutes ?? experiment.TokenLifetimeMinutes;
        experiment.LeaderboardVisible = change.LeaderboardVisible ?? experiment.LeaderboardVisible;
        experiment.MaxPeerKeysPerUser = change.MaxPeerKeysPerUser ?? experiment.MaxPeerKeysPerUser;
        if (change.AllowedCheckpointRepositories is { } repositories)
        {
            experiment.AllowedCheckpointRepositories = repositories.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        }
        if (change.InitialPeers is { } peers)
        {
            experiment.InitialPeers = Multiaddrs.Merge(peers);
        }
        if (change.TrainingScriptUrl is { } script)
        {
            experiment.TrainingScriptUrl = script.Length == 0 ? null : script;
        }
        if (moved && !caller.IsGlobalAdmin)
        {
            // The old organization's repositories were allowed as its own; in the new one they would be foreign, unapproved.
            experiment.AllowedCheckpointRepositories = experiment.AllowedCheckpointRepositories
                .Where(r => !CheckpointRepositories.InOrganization(old.OrganizationName, r)).ToList();
        }
        if (SameRecord(before, experiment.ToAuditDto()))
        {
            return (experiment, ExperimentOutcome.Unchanged);
        }
        experiment.UpdatedAt = Stored(clock.GetUtcNow());
        try
        {
            await work.RunAsync(action =>
            {
                action.Changes(old);
                action.Changes(experiment);
                action.Audit(new AuditRecord(experiment, caller.ActorName, renamed ? "experiment.moved" : "experiment.updated",
                    $"{experiment.OrganizationName}/{experiment.ModelName}", Before: before, After: experiment.ToAuditDto()));
                return Task.FromResult(true);
            }, ct);
        }
        catch (DbUpdateException ex) when (NamesClash(ex))
        {
            db.ChangeTracker.Clear();
            return (experiment, ExperimentOutcome.NameTaken);
        }
        return (experiment, ExperimentOutcome.Done);
    }

    /// <summary>Deletes the experiment and everything of it (keys, grants, bans, checkpoints, reports…); the audit log keeps the record.</summary>
    public async Task<Experiment> DeleteAsync(int id, CancellationToken ct)
    {
        var experiment = await db.Experiments.FirstAsync(e => e.Id == id, ct);
        await work.RunAsync(async action =>
        {
            action.Audit(new AuditRecord(experiment, caller.ActorName, "experiment.deleted", $"{experiment.OrganizationName}/{experiment.ModelName}",
                Before: experiment.ToAuditDto()));
            action.Changes(experiment);
            await ContributionStore.DeleteExperimentsReportsAsync(db, id, ct); // they have no foreign key to cascade
            db.Experiments.Remove(experiment);
            return true;
        }, ct);
        return experiment;
    }

    /// <summary>A time as PostgreSQL keeps it (microseconds): the answer to a write says what every later read says.</summary>
    private static DateTimeOffset Stored(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    private static bool SameRecord(ExperimentResponse a, ExperimentResponse b) =>
        JsonSerializer.Serialize(a, WireJson.Options) == JsonSerializer.Serialize(b, WireJson.Options);

    /// <summary>Names are compared without regard to case, as the unique index on the lower-cased names does (HF names are).</summary>
    private Task<bool> NameTakenAsync(string org, string model, int? except, CancellationToken ct)
    {
        var (lowerOrg, lowerModel) = (org.ToLowerInvariant(), model.ToLowerInvariant());
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL lower(), the unique index's expression
        return db.Experiments.AnyAsync(e => e.Id != except && e.OrganizationName.ToLower() == lowerOrg && e.ModelName.ToLower() == lowerModel, ct);
#pragma warning restore CA1304, CA1311, CA1862
    }

    private static bool NamesClash(DbUpdateException ex) =>
        ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } unique
        && unique.ConstraintName is ExperimentNames.UniqueIndex or "ix_experiments_organization_name_model_name";
}
