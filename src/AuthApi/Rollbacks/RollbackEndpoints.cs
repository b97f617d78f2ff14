using System.Security.Claims;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Checkpoints;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Rollbacks;

/// <summary><c>/api/v1/experiments/{org}/{model}/rollbacks</c>: moderators roll the model back to a checkpoint; a Hangfire job applies it.</summary>
public static class RollbackEndpoints
{
    public static IEndpointRouteBuilder MapRollbacks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/rollbacks").WithTags("Rollbacks").RequireAuthorization();
        group.MapGet("/preview", Preview).WithName("PreviewRollback").WithSummary("What rolling back to a checkpoint would change (moderators).");
        group.MapPost("/", Create).Validate<CreateRollbackRequest>().WithName("CreateRollback")
            .WithSummary("Roll back to a checkpoint; answers the tracked rollback, applied by a background job (moderators).");
        group.MapGet("/", List).WithName("ListRollbacks").WithSummary("Rollbacks, newest first (moderators).");
        group.MapGet("/{id:long}", Get).WithName("GetRollback").WithSummary("One rollback: status, attempts, last error (moderators).");
        group.MapPost("/{id:long}/retry", Retry).WithName("RetryRollback").WithSummary("Run a failed rollback again (moderators).");
        return app;
    }

    private static async Task<Results<Ok<RollbackPreview>, ProblemHttpResult>> Preview(
        string org, string model, long checkpointId, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "roll it back", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var target = await db.Checkpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Id == checkpointId && c.ExperimentId == found.Experiment!.Id, ct);
        if (target is null)
        {
            return Problems.NotFound($"{org}/{model} has no checkpoint {checkpointId}.");
        }
        var superseded = await db.Checkpoints.AsNoTracking()
            .Where(c => c.ExperimentId == target.ExperimentId && c.Step > target.Step && c.Status == CheckpointStatus.Active)
            .OrderBy(c => c.Step).ToListAsync(ct);
        var contributions = await RolledBackContributions.CountAsync(db, target.ExperimentId, target.Step, ct);
        return TypedResults.Ok(new RollbackPreview(target.ToDto(), superseded.Select(c => c.ToDto()).ToList(), contributions));
    }

    private static async Task<Results<Accepted<RollbackResponse>, ProblemHttpResult>> Create(
        string org, string model, CreateRollbackRequest request, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        AuditLog audit, IBackgroundJobClient jobs, TimeProvider clock, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "roll it back", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var experiment = found.Experiment!;
        var target = await db.Checkpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Id == request.CheckpointId, ct);
        if (target is null || target.ExperimentId != experiment.Id)
        {
            return TypedResults.Problem($"{org}/{model} has no checkpoint {request.CheckpointId}.", statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Unknown checkpoint");
        }
        if (target.Status == CheckpointStatus.Quarantined)
        {
            return Problems.Conflict($"Checkpoint {target.Id} (step {target.Step}) is quarantined ({target.QuarantineReason}); it cannot be a rollback target.");
        }
        var rollback = new Rollback
        {
            ExperimentId = experiment.Id, CheckpointId = target.Id, Reason = request.Reason!, RequestedBy = found.User.Username,
            RequestedAt = clock.GetUtcNow(), Status = RollbackStatus.Pending,
        };
        await db.InTransactionAsync(async () =>
        {
            db.Rollbacks.Add(rollback);
            await db.SaveChangesAsync(ct);
            await audit.AppendAsync(db, new AuditRecord(experiment, found.User.Username, "rollback.requested", $"step {target.Step} ({target.Revision})",
                request.Reason, After: new { rollback_id = rollback.Id }), ct);
            return await db.SaveChangesAsync(ct);
        }, ct);
        jobs.Enqueue<RollbackJob>(job => job.RunAsync(rollback.Id, CancellationToken.None));
        return TypedResults.Accepted($"/api/v1/experiments/{org}/{model}/rollbacks/{rollback.Id}", rollback.ToDto(target));
    }

    private static async Task<Results<Ok<List<RollbackResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "see its rollbacks", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var rows = await db.Rollbacks.AsNoTracking().Where(r => r.ExperimentId == found.Experiment!.Id).OrderByDescending(r => r.Id).Take(200)
            .Join(db.Checkpoints, r => r.CheckpointId, c => c.Id, (r, c) => new { r, c }).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(x => x.r.ToDto(x.c)).ToList());
    }

    private static async Task<Results<Ok<RollbackResponse>, ProblemHttpResult>> Get(
        string org, string model, long id, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "see its rollbacks", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var rollback = await db.Rollbacks.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.ExperimentId == found.Experiment!.Id, ct);
        if (rollback is null)
        {
            return Problems.NotFound($"{org}/{model} has no rollback {id}.");
        }
        var target = await db.Checkpoints.AsNoTracking().FirstAsync(c => c.Id == rollback.CheckpointId, ct);
        return TypedResults.Ok(rollback.ToDto(target));
    }

    private static async Task<Results<Accepted<RollbackResponse>, ProblemHttpResult>> Retry(
        string org, string model, long id, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, AuditLog audit,
        IBackgroundJobClient jobs, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "roll it back", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var rollback = await db.Rollbacks.FirstOrDefaultAsync(r => r.Id == id && r.ExperimentId == found.Experiment!.Id, ct);
        if (rollback is null)
        {
            return Problems.NotFound($"{org}/{model} has no rollback {id}.");
        }
        if (rollback.Status != RollbackStatus.Failed)
        {
            return Problems.Conflict($"Rollback {id} is {rollback.Status.ToString().ToLowerInvariant()}; only a failed rollback is retried.");
        }
        rollback.Status = RollbackStatus.Pending;
        rollback.FinishedAt = null;
        await db.InTransactionAsync(async () =>
        {
            await audit.AppendAsync(db, new AuditRecord(found.Experiment, found.User.Username, "rollback.retried", $"rollback {id}"), ct);
            return await db.SaveChangesAsync(ct);
        }, ct);
        jobs.Enqueue<RollbackJob>(job => job.RunAsync(rollback.Id, CancellationToken.None));
        var target = await db.Checkpoints.AsNoTracking().FirstAsync(c => c.Id == rollback.CheckpointId, ct);
        return TypedResults.Accepted($"/api/v1/experiments/{org}/{model}/rollbacks/{id}", rollback.ToDto(target));
    }

    private static RollbackResponse ToDto(this Rollback r, Checkpoint target) => new(
        r.Id, r.CheckpointId, target.Step, target.Revision, r.Status.ToString().ToLowerInvariant(), r.Attempts, r.LastError, r.Reason,
        r.RequestedBy, r.RequestedAt, r.StartedAt, r.FinishedAt, r.SupersededCheckpoints, r.MarkedContributions);
}
