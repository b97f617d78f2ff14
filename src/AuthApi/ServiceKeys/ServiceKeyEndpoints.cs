using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.ServiceKeys;

/// <summary><c>/api/v1/experiments/{org}/{model}/service-keys</c>: owners create (secret shown once), list and revoke keys for auxiliary peers.</summary>
public static class ServiceKeyEndpoints
{
    public static IEndpointRouteBuilder MapServiceKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/service-keys").WithTags("Service keys").RequireAuthorization();
        group.MapPost("/", Create).Validate<CreateServiceKeyRequest>().WithName("CreateServiceKey")
            .WithSummary("Create a scoped key for an auxiliary peer; the answer's 'secret' is never shown again (owners).");
        group.MapGet("/", List).WithName("ListServiceKeys").WithSummary("The experiment's service keys, without secrets (owners).");
        group.MapDelete("/{id:guid}", Revoke).WithName("RevokeServiceKey").WithSummary("Revoke a service key at once (owners).");
        return app;
    }

    private static async Task<Results<Created<ServiceKeyResponse>, ProblemHttpResult>> Create(
        string org, string model, CreateServiceKeyRequest request, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Owner, "manage its service keys", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var secret = ServiceKeyAuthenticator.SecretPrefix + Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
        var key = new ServiceKey
        {
            Id = Guid.CreateVersion7(),
            ExperimentId = found.Experiment!.Id,
            Name = request.Name!,
            Prefix = secret[..12],
            SecretHash = ServiceKeyAuthenticator.Hash(secret),
            Scopes = string.Join(' ', request.Scopes!.Distinct()),
            CreatedBy = found.User.Username,
            CreatedAt = clock.GetUtcNow(),
        };
        await db.InTransactionAsync(async () =>
        {
            db.ServiceKeys.Add(key);
            await audit.AppendAsync(db, new AuditRecord(found.Experiment, found.User.Username, "service_key.created", key.Name,
                After: new { key.Id, key.Prefix, scopes = key.Scopes }), ct);
            return await db.SaveChangesAsync(ct);
        }, ct);
        return TypedResults.Created($"/api/v1/experiments/{org}/{model}/service-keys/{key.Id}", key.ToDto() with { Secret = secret });
    }

    private static async Task<Results<Ok<List<ServiceKeyResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Owner, "manage its service keys", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var keys = await db.ServiceKeys.AsNoTracking().Where(k => k.ExperimentId == found.Experiment!.Id).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(keys.Select(k => k.ToDto()).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string org, string model, Guid id, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, AuditLog audit,
        TimeProvider clock, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Owner, "manage its service keys", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var key = await db.ServiceKeys.FirstOrDefaultAsync(k => k.Id == id && k.ExperimentId == found.Experiment!.Id && k.RevokedAt == null, ct);
        if (key is null)
        {
            return Problems.NotFound($"{org}/{model} has no active service key {id}.");
        }
        key.RevokedAt = clock.GetUtcNow();
        key.RevokedBy = found.User.Username;
        await db.InTransactionAsync(async () =>
        {
            await audit.AppendAsync(db, new AuditRecord(found.Experiment, found.User.Username, "service_key.revoked", key.Name,
                Before: new { key.Id, key.Prefix }), ct);
            return await db.SaveChangesAsync(ct);
        }, ct);
        return TypedResults.NoContent();
    }

    private static ServiceKeyResponse ToDto(this ServiceKey k) => new(
        k.Id, k.Name, k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), k.Prefix, k.CreatedBy, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}
