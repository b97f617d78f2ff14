using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Keys;
using Moderation.AuthApi.ServiceKeys;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Checkpoints;

/// <summary>
/// The checkpoint registry: auxiliary peers register checkpoints of the experiment's allowed repositories with a service
/// key (<c>checkpoints:write</c>), moderators list and quarantine them, and peers read the current one as a signed document.
/// </summary>
public static class CheckpointEndpoints
{
    public static IEndpointRouteBuilder MapCheckpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/checkpoints").WithTags("Checkpoints");
        group.MapPost("/", Register).ForServiceKeys(ServiceKeyAuthenticator.CheckpointsWrite).Validate<RegisterCheckpointRequest>()
            .WithName("RegisterCheckpoint").WithSummary("Register an uploaded checkpoint; idempotent on the revision (service key with checkpoints:write).");
        group.MapGet("/", List).ForExperimentRole(ExperimentRole.Moderator).WithName("ListCheckpoints")
            .WithSummary("See the checkpoints by step, newest first (moderators).");
        group.MapPost("/{id:long}/quarantine", Quarantine).ForExperimentRole(ExperimentRole.Moderator).Validate<QuarantineRequest>()
            .WithName("QuarantineCheckpoint").WithSummary("Never offer this checkpoint as current again (moderators).");
        group.MapGet("/current", Current).ForAnyone().WithName("GetCurrentCheckpoint")
            .WithSummary("The checkpoint peers should load from, signed by the experiment (anyone).");
        return app;
    }

    private static async Task<Results<Created<CheckpointResponse>, Ok<CheckpointResponse>, ProblemHttpResult>> Register(
        RegisterCheckpointRequest request, ExperimentContext context, Caller caller, ModerationDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!CheckpointRepositories.IsAllowed(context.Experiment, request.Repository!))
        {
            return TypedResults.Problem(CheckpointRepositories.Refusal(context.Experiment, request.Repository!),
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Repository not allowed");
        }
        var existing = await db.Checkpoints.AsNoTracking().FirstOrDefaultAsync(c => c.ExperimentId == context.Id && c.Revision == request.Revision, ct);
        if (existing is not null)
        {
            return existing.Step == request.Step && existing.Repository == request.Repository
                ? TypedResults.Ok(existing.ToDto())
                : Problems.Conflict($"Revision {request.Revision} is already registered as step {existing.Step} of {existing.Repository}.");
        }
        var checkpoint = new Checkpoint
        {
            ExperimentId = context.Id,
            Step = request.Step!.Value,
            Repository = request.Repository!,
            Revision = request.Revision!,
            Loss = request.Loss,
            CreatedAt = request.CreatedAt!.Value,
            RegisteredAt = clock.GetUtcNow(),
            RegisteredByKey = caller.ServiceKey!.Id,
            SizeBytes = request.SizeBytes,
            Url = request.Url,
            Status = CheckpointStatus.Active,
        };
        db.Checkpoints.Add(checkpoint);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/experiments/{context.Name}/checkpoints/{checkpoint.Id}", checkpoint.ToDto());
    }

    private static async Task<Results<Ok<Paged<CheckpointResponse>>, ProblemHttpResult>> List(
        ExperimentContext context, ModerationDb db, CancellationToken ct, int page = 1, [FromQuery(Name = "page_size")] int pageSize = 50)
    {
        if (Paging.Check(page, pageSize, ModerationLimits.MaxPageSize) is { } invalid)
        {
            return invalid;
        }
        var query = db.Checkpoints.AsNoTracking().Where(c => c.ExperimentId == context.Id);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(c => c.Step).ThenByDescending(c => c.Id).Skip(Paging.Offset(page, pageSize)).Take(pageSize).ToListAsync(ct);
        return TypedResults.Ok(new Paged<CheckpointResponse>(items.Select(c => c.ToDto()).ToList(), page, pageSize, total));
    }

    private static async Task<Results<Ok<CheckpointResponse>, ProblemHttpResult>> Quarantine(
        long id, QuarantineRequest request, ExperimentContext context, Caller caller, ModerationDb db, UnitOfWork work, TimeProvider clock,
        CancellationToken ct)
    {
        var checkpoint = await db.Checkpoints.FirstOrDefaultAsync(c => c.Id == id && c.ExperimentId == context.Id, ct);
        if (checkpoint is null)
        {
            return Problems.NotFound($"{context.Name} has no checkpoint {id}.");
        }
        if (checkpoint.Status == CheckpointStatus.Quarantined)
        {
            return TypedResults.Ok(checkpoint.ToDto());
        }
        await work.RunAsync(action =>
        {
            checkpoint.Status = CheckpointStatus.Quarantined;
            checkpoint.QuarantineReason = request.Reason;
            checkpoint.QuarantinedBy = caller.ActorName;
            checkpoint.QuarantinedAt = clock.GetUtcNow();
            action.Audit(new AuditRecord(context.Experiment, caller.ActorName, "checkpoint.quarantined", $"step {checkpoint.Step} ({checkpoint.Revision})",
                request.Reason));
            return Task.FromResult(true);
        }, ct);
        return TypedResults.Ok(checkpoint.ToDto());
    }

    private static async Task<Results<ContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> Current(
        string org, string model, HttpContext http, ModerationDb db, KeyRing keys, TimeProvider clock, CancellationToken ct)
    {
        var experiment = await db.Experiments.AsNoTracking().FirstOrDefaultAsync(e => e.OrganizationName == org && e.ModelName == model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        var current = await db.Checkpoints.AsNoTracking()
            .Where(c => c.ExperimentId == experiment.Id && c.Status == CheckpointStatus.Active)
            .OrderByDescending(c => c.Step).ThenByDescending(c => c.Id).FirstOrDefaultAsync(ct);
        if (current is null)
        {
            return Problems.NotFound($"{org}/{model} has no checkpoint to offer yet.");
        }
        var rollbackCount = await db.Rollbacks.CountAsync(r => r.ExperimentId == experiment.Id && r.Status == RollbackStatus.Succeeded, ct);
        var etag = $"\"{current.Id}-{rollbackCount}-{Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(current.Revision)).AsSpan(0, 8))}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "public, max-age=5";
        if (http.Request.Headers.IfNoneMatch.Any(v => v == etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        var signingKey = await keys.ActiveAsync(db, experiment.Id, ct);
        var rollbackId = await db.Rollbacks.Where(r => r.CheckpointId == current.Id && r.Status == RollbackStatus.Succeeded)
            .OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        var document = new CurrentCheckpoint($"{org}/{model}", current.Id, current.Repository, current.Revision, current.Step, rollbackId,
            clock.GetUtcNow().ToUnixTimeSeconds());
        return TypedResults.Content(CompactJws.Sign(document, CurrentCheckpoint.Type, signingKey.Kid, signingKey.Rsa), "application/jose");
    }

    public static CheckpointResponse ToDto(this Checkpoint c) => new(
        c.Id, c.Step, c.Repository, c.Revision, c.Loss, c.CreatedAt, c.RegisteredAt, c.SizeBytes, c.Url, c.Status.ToString().ToLowerInvariant(),
        c.QuarantineReason, c.QuarantinedBy, c.QuarantinedAt);
}
