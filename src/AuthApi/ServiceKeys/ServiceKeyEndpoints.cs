using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.InitialPeers;
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
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/service-keys").WithTags("Service keys").ForExperimentRole(ExperimentRole.Owner);
        group.MapPost("/", Create).Validate<CreateServiceKeyRequest>().WithName("CreateServiceKey")
            .WithSummary("Create a scoped key for an auxiliary peer; the answer's 'secret' is never shown again (owners).");
        group.MapGet("/", List).WithName("ListServiceKeys").WithSummary("See the experiment's service keys, without secrets (owners).");
        group.MapDelete("/{id:guid}", Revoke).WithName("RevokeServiceKey").WithSummary("Revoke a service key at once (owners).");
        return app;
    }

    private static async Task<Created<ServiceKeyResponse>> Create(
        CreateServiceKeyRequest request, ExperimentContext context, Caller caller, ModerationDb db, UnitOfWork work, TimeProvider clock,
        CancellationToken ct)
    {
        var secret = ServiceKeyAuthenticator.SecretPrefix + Base64Url.Encode(RandomNumberGenerator.GetBytes(32));
        var key = new ServiceKey
        {
            Id = Guid.CreateVersion7(),
            ExperimentId = context.Id,
            Name = request.Name!,
            Prefix = secret[..12],
            SecretHash = ServiceKeyAuthenticator.Hash(secret),
            Scopes = string.Join(' ', request.Scopes!.Distinct()),
            CreatedBy = caller.ActorName,
            CreatedAt = clock.GetUtcNow(),
        };
        await work.RunAsync(action =>
        {
            db.ServiceKeys.Add(key);
            action.Audit(new AuditRecord(context.Experiment, caller.ActorName, "service_key.created", key.Name,
                After: new { key.Id, key.Prefix, scopes = key.Scopes }));
            return Task.FromResult(true);
        }, ct);
        return TypedResults.Created($"/api/v1/experiments/{context.Name}/service-keys/{key.Id}", key.ToDto() with { Secret = secret });
    }

    private static async Task<Ok<List<ServiceKeyResponse>>> List(ExperimentContext context, ModerationDb db, CancellationToken ct)
    {
        var keys = await db.ServiceKeys.AsNoTracking().Where(k => k.ExperimentId == context.Id).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(keys.Select(k => k.ToDto()).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid id, ExperimentContext context, Caller caller, ModerationDb db, UnitOfWork work, TimeProvider clock, CancellationToken ct)
    {
        var key = await db.ServiceKeys.FirstOrDefaultAsync(k => k.Id == id && k.ExperimentId == context.Id && k.RevokedAt == null, ct);
        if (key is null)
        {
            return Problems.NotFound($"{context.Name} has no active service key {id}.");
        }
        await work.RunAsync(async action =>
        {
            key.RevokedAt = clock.GetUtcNow();
            key.RevokedBy = caller.ActorName;
            action.Audit(new AuditRecord(context.Experiment, caller.ActorName, "service_key.revoked", key.Name, Before: new { key.Id, key.Prefix }));
            if (key.InitialPeersPublishedAt is not null)
            {
                // Its multiaddrs are no longer given to joining peers.
                action.Changes(await InitialPeerLists.RepublishAsync(db, context.Id, key, ct));
            }
            return true;
        }, ct);
        return TypedResults.NoContent();
    }

    private static ServiceKeyResponse ToDto(this ServiceKey k) => new(
        k.Id, k.Name, k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), k.Prefix, k.CreatedBy, k.CreatedAt, k.LastUsedAt, k.RevokedAt,
        InitialPeers: k.InitialPeers, InitialPeersPublishedAt: k.InitialPeersPublishedAt);
}
