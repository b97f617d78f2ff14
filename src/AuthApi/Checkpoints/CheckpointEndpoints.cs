using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
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
/// The checkpoint registry: auxiliary peers register checkpoints with a service key (<c>checkpoints:write</c>),
/// moderators list and quarantine them, and peers read the current one as a signed document.
/// </summary>
public static class CheckpointEndpoints
{
    public static IEndpointRouteBuilder MapCheckpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/checkpoints").WithTags("Checkpoints");
        group.MapPost("/", Register).RequireAuthorization(IdentitySetup.ServiceKeyPolicy).Validate<RegisterCheckpointRequest>()
            .WithName("RegisterCheckpoint").WithSummary("Register an uploaded checkpoint; idempotent on the revision (service key with checkpoints:write).");
        group.MapGet("/", List).RequireAuthorization().WithName("ListCheckpoints").WithSummary("Checkpoints by step, newest first (moderators).");
        group.MapPost("/{id:long}/quarantine", Quarantine).RequireAuthorization().Validate<QuarantineRequest>()
            .WithName("QuarantineCheckpoint").WithSummary("Never offer this checkpoint as current again (moderators).");
        group.MapGet("/current", Current).AllowAnonymous().WithName("GetCurrentCheckpoint")
            .WithSummary("The checkpoint peers should load from, signed by the experiment (anyone).");
        return app;
    }

    private static async Task<Results<Created<CheckpointResponse>, Ok<CheckpointResponse>, ProblemHttpResult>> Register(
        string org, string model, RegisterCheckpointRequest request, ClaimsPrincipal principal, ModerationDb db, TimeProvider clock,
        CancellationToken ct)
    {
        var experiment = await db.Experiments.AsNoTracking().FirstOrDefaultAsync(e => e.OrganizationName == org && e.ModelName == model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        if (!principal.IsServiceKeyFor(experiment.Id, ServiceKeyAuthenticator.CheckpointsWrite))
        {
            return Problems.Forbidden($"This service key may not register checkpoints of {org}/{model}: it needs the scope checkpoints:write there.");
        }
        var existing = await db.Checkpoints.AsNoTracking().FirstOrDefaultAsync(c => c.ExperimentId == experiment.Id && c.Revision == request.Revision, ct);
        if (existing is not null)
        {
            return existing.Step == request.Step && existing.Repository == request.Repository
                ? TypedResults.Ok(existing.ToDto())
                : Problems.Conflict($"Revision {request.Revision} is already registered as step {existing.Step} of {existing.Repository}.");
        }
        var checkpoint = new Checkpoint
        {
            ExperimentId = experiment.Id,
            Step = request.Step!.Value,
            Repository = request.Repository!,
            Revision = request.Revision!,
            Loss = request.Loss,
            CreatedAt = request.CreatedAt!.Value,
            RegisteredAt = clock.GetUtcNow(),
            RegisteredByKey = principal.ServiceKeyId()!.Value,
            SizeBytes = request.SizeBytes,
            Url = request.Url,
            Status = CheckpointStatus.Active,
        };
        db.Checkpoints.Add(checkpoint);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/experiments/{org}/{model}/checkpoints/{checkpoint.Id}", checkpoint.ToDto());
    }

    private static async Task<Results<Ok<Paged<CheckpointResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct,
        int page = 1, [FromQuery(Name = "page_size")] int pageSize = 50)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "see its checkpoints", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, ModerationLimits.MaxPageSize);
        var query = db.Checkpoints.AsNoTracking().Where(c => c.ExperimentId == found.Experiment!.Id);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(c => c.Step).ThenByDescending(c => c.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return TypedResults.Ok(new Paged<CheckpointResponse>(items.Select(c => c.ToDto()).ToList(), page, pageSize, total));
    }

    private static async Task<Results<Ok<CheckpointResponse>, ProblemHttpResult>> Quarantine(
        string org, string model, long id, QuarantineRequest request, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "quarantine its checkpoints", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var checkpoint = await db.Checkpoints.FirstOrDefaultAsync(c => c.Id == id && c.ExperimentId == found.Experiment!.Id, ct);
        if (checkpoint is null)
        {
            return Problems.NotFound($"{org}/{model} has no checkpoint {id}.");
        }
        if (checkpoint.Status == CheckpointStatus.Quarantined)
        {
            return TypedResults.Ok(checkpoint.ToDto());
        }
        checkpoint.Status = CheckpointStatus.Quarantined;
        checkpoint.QuarantineReason = request.Reason;
        checkpoint.QuarantinedBy = found.User.Username;
        checkpoint.QuarantinedAt = clock.GetUtcNow();
        await db.InTransactionAsync(async () =>
        {
            await audit.AppendAsync(db, new AuditRecord(found.Experiment, found.User.Username, "checkpoint.quarantined",
                $"step {checkpoint.Step} ({checkpoint.Revision})", request.Reason), ct);
            return await db.SaveChangesAsync(ct);
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
