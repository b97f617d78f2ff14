using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Checkpoints;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Jobs;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Rollbacks;

/// <summary><c>/api/v1/experiments/{org}/{model}/rollbacks</c>: moderators roll the model back to a checkpoint; a Hangfire job applies it.</summary>
public static class RollbackEndpoints
{
    public static IEndpointRouteBuilder MapRollbacks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/rollbacks").WithTags("Rollbacks").ForExperimentRole(ExperimentRole.Moderator);
        group.MapGet("/preview", Preview).WithName("PreviewRollback").WithSummary("See what rolling back to a checkpoint would change (moderators).");
        group.MapPost("/", Create).Validate<CreateRollbackRequest>().WithName("CreateRollback")
            .WithSummary("Roll back to a checkpoint; answers the tracked rollback, applied by a background job (moderators).");
        group.MapGet("/", List).WithName("ListRollbacks").WithSummary("See the rollbacks, newest first (moderators).");
        group.MapGet("/{id:long}", Get).WithName("GetRollback").WithSummary("See one rollback: status, attempts, last error (moderators).");
        group.MapPost("/{id:long}/retry", Retry).WithName("RetryRollback").WithSummary("Run a failed rollback again (moderators).");
        return app;
    }

    private static async Task<Results<Ok<RollbackPreview>, ProblemHttpResult>> Preview(
        long checkpointId, ExperimentContext context, ModerationDb db, CancellationToken ct)
    {
        var target = await db.Checkpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Id == checkpointId && c.ExperimentId == context.Id, ct);
        if (target is null)
        {
            return Problems.NotFound($"{context.Name} has no checkpoint {checkpointId}.");
        }
        if (await NotATargetAsync(db, target, ct) is { } refusal)
        {
            return refusal;
        }
        var superseded = await db.Checkpoints.AsNoTracking()
            .Where(c => c.ExperimentId == target.ExperimentId && c.Step > target.Step && c.Status == CheckpointStatus.Active)
            .OrderBy(c => c.Step).ToListAsync(ct);
        var contributions = await RolledBackContributions.CountAsync(db, target.ExperimentId, target.Step, ct);
        return TypedResults.Ok(new RollbackPreview(target.ToDto(), superseded.Select(c => c.ToDto()).ToList(), contributions));
    }

    private static async Task<Results<Accepted<RollbackResponse>, ProblemHttpResult>> Create(
        CreateRollbackRequest request, ExperimentContext context, Caller caller, ModerationDb db, UnitOfWork work, TimeProvider clock, CancellationToken ct)
    {
        var target = await db.Checkpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Id == request.CheckpointId && c.ExperimentId == context.Id, ct);
        if (target is null)
        {
            return TypedResults.Problem($"{context.Name} has no checkpoint {request.CheckpointId}.", statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Unknown checkpoint");
        }
        if (await NotATargetAsync(db, target, ct) is { } refusal)
        {
            return refusal;
        }
        if (!CheckpointRepositories.IsAllowed(context.Experiment, target.Repository))
        {
            // Registered while its repository was allowed, since removed from the list: the Hub store would refuse it too.
            return Problems.Forbidden(CheckpointRepositories.Refusal(context.Experiment, target.Repository));
        }
        var rollback = new Rollback
        {
            ExperimentId = context.Id, CheckpointId = target.Id, Reason = request.Reason!, RequestedBy = caller.ActorName,
            RequestedAt = clock.GetUtcNow(), Status = RollbackStatus.Pending,
        };
        await work.RunAsync(async action =>
        {
            db.Rollbacks.Add(rollback);
            await db.SaveChangesAsync(ct);
            action.Audit(new AuditRecord(context.Experiment, caller.ActorName, "rollback.requested", $"step {target.Step} ({target.Revision})",
                request.Reason, After: new { rollback_id = rollback.Id }));
            action.Enqueue(Outbox.RollbackJobKind, rollback.Id);
            return true;
        }, ct);
        return TypedResults.Accepted($"/api/v1/experiments/{context.Name}/rollbacks/{rollback.Id}", rollback.ToDto(target));
    }

    /// <summary>
    /// Valid targets are the checkpoints the console offers: available (neither quarantined nor superseded) and older than
    /// the current one. A superseded checkpoint was trained on the steps a rollback discarded — their contributions are
    /// marked rolled back — so going "forward" to it would serve a model built from data the moderators rejected while its
    /// contributors stay uncredited; after a mistaken rollback the run continues from the checkpoint it restored.
    /// </summary>
    private static async Task<ProblemHttpResult?> NotATargetAsync(ModerationDb db, Checkpoint target, CancellationToken ct)
    {
        var what = $"Checkpoint {target.Id} (step {target.Step})";
        if (target.Status == CheckpointStatus.Quarantined)
        {
            return Problems.Conflict($"{what} is quarantined ({target.QuarantineReason}); it cannot be a rollback target.");
        }
        if (target.Status == CheckpointStatus.Superseded)
        {
            return Problems.Conflict($"{what} was superseded by a rollback: what it was trained on was rolled back, so it cannot be a rollback "
                                     + "target. Roll back to an available checkpoint older than the current one.");
        }
        var current = await db.Checkpoints.AsNoTracking().Where(c => c.ExperimentId == target.ExperimentId && c.Status == CheckpointStatus.Active)
            .OrderByDescending(c => c.Step).ThenByDescending(c => c.Id).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
        return current == target.Id ? Problems.Conflict($"{what} is the current checkpoint already: roll back to an older one.") : null;
    }

    private static async Task<Ok<List<RollbackResponse>>> List(ExperimentContext context, ModerationDb db, CancellationToken ct)
    {
        var rows = await db.Rollbacks.AsNoTracking().Where(r => r.ExperimentId == context.Id).OrderByDescending(r => r.Id).Take(200)
            .Join(db.Checkpoints, r => r.CheckpointId, c => c.Id, (r, c) => new { r, c }).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(x => x.r.ToDto(x.c)).ToList());
    }

    private static async Task<Results<Ok<RollbackResponse>, ProblemHttpResult>> Get(long id, ExperimentContext context, ModerationDb db, CancellationToken ct)
    {
        var rollback = await db.Rollbacks.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.ExperimentId == context.Id, ct);
        if (rollback is null)
        {
            return Problems.NotFound($"{context.Name} has no rollback {id}.");
        }
        var target = await db.Checkpoints.AsNoTracking().FirstAsync(c => c.Id == rollback.CheckpointId, ct);
        return TypedResults.Ok(rollback.ToDto(target));
    }

    private static async Task<Results<Accepted<RollbackResponse>, ProblemHttpResult>> Retry(
        long id, ExperimentContext context, Caller caller, ModerationDb db, UnitOfWork work, CancellationToken ct)
    {
        var rollback = await db.Rollbacks.FirstOrDefaultAsync(r => r.Id == id && r.ExperimentId == context.Id, ct);
        if (rollback is null)
        {
            return Problems.NotFound($"{context.Name} has no rollback {id}.");
        }
        if (rollback.Status != RollbackStatus.Failed)
        {
            return Problems.Conflict($"Rollback {id} is {rollback.Status.ToString().ToLowerInvariant()}; only a failed rollback is retried.");
        }
        if (await NotATargetAsync(db, await db.Checkpoints.AsNoTracking().FirstAsync(c => c.Id == rollback.CheckpointId, ct), ct) is { } refusal)
        {
            return refusal;
        }
        await work.RunAsync(action =>
        {
            rollback.Status = RollbackStatus.Pending;
            rollback.FinishedAt = null;
            action.Audit(new AuditRecord(context.Experiment, caller.ActorName, "rollback.retried", $"rollback {id}"));
            action.Enqueue(Outbox.RollbackJobKind, rollback.Id);
            return Task.FromResult(true);
        }, ct);
        var target = await db.Checkpoints.AsNoTracking().FirstAsync(c => c.Id == rollback.CheckpointId, ct);
        return TypedResults.Accepted($"/api/v1/experiments/{context.Name}/rollbacks/{id}", rollback.ToDto(target));
    }

    private static RollbackResponse ToDto(this Rollback r, Checkpoint target) => new(
        r.Id, r.CheckpointId, target.Step, target.Revision, r.Status.ToString().ToLowerInvariant(), r.Attempts, r.LastError, r.Reason,
        r.RequestedBy, r.RequestedAt, r.StartedAt, r.FinishedAt, r.SupersededCheckpoints, r.MarkedContributions);
}
