using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Keys;

/// <summary>The public keys peers trust (<c>/jwks</c>, public and cacheable) and key rotation by owners.</summary>
public static class KeyEndpoints
{
    public static IEndpointRouteBuilder MapKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}").WithTags("Keys");
        group.MapGet("/jwks", Jwks).ForAnyone()
            .WithName("GetJwks").WithSummary("The experiment's published public keys (RFC 7517), with ETag; anyone may read them.");
        group.MapGet("/keys", List).ForExperimentRole(ExperimentRole.Owner)
            .WithName("ListSigningKeys").WithSummary("The published signing keys: which one signs now, since when, and until when retired ones stay published (owners).");
        group.MapPost("/keys/rotate", Rotate).ForExperimentRole(ExperimentRole.Owner)
            .WithName("RotateKeys").WithSummary("Start signing with a new key; the old one stays published until its tokens expire (owners).");
        return app;
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> Jwks(
        string org, string model, HttpContext http, ModerationDb db, KeyRing keys, HybridCache cache, IOptions<TokenOptions> options,
        CancellationToken ct)
    {
        // Peers poll this; a short in-process cache keeps it off the database (rotations clear it at once locally).
        var document = await cache.GetOrCreateAsync(CacheKey(org, model), (db, keys, org, model), static async (s, ct) =>
        {
            var experimentId = await s.db.Experiments.Where(e => e.OrganizationName == s.org && e.ModelName == s.model)
                .Select(e => (int?)e.Id).FirstOrDefaultAsync(ct);
            if (experimentId is null)
            {
                return null;
            }
            var bytes = JsonSerializer.SerializeToUtf8Bytes(await s.keys.PublishedJwksAsync(s.db, experimentId.Value, ct));
            return new JwksDocument(bytes, $"\"{Base64Url.Encode(SHA256.HashData(bytes).AsSpan(0, 16))}\"");
        }, JwksEntry, cancellationToken: ct);
        if (document is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }

        http.Response.Headers.ETag = document.ETag;
        http.Response.Headers.CacheControl = $"public, max-age={options.Value.JwksMaxAgeSeconds}";
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && (v == document.ETag || v == "*")))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.File(document.Bytes, "application/jwk-set+json");
    }

    private static async Task<Ok<List<SigningKeyResponse>>> List(ExperimentContext context, ModerationDb db, KeyRing keys, CancellationToken ct) =>
        TypedResults.Ok((await keys.PublishedAsync(db, context.Id, ct))
            .Select(k => new SigningKeyResponse(k.Kid, k.CreatedAt, k.RetiredAt is null, k.RetiredAt, k.PublishedUntil)).ToList());

    private static async Task<Ok<KeyRotationResponse>> Rotate(
        ExperimentContext context, Caller caller, ModerationDb db, UnitOfWork work, KeyRing keys, HybridCache cache, CancellationToken ct)
    {
        var (current, retired) = await keys.RotateAsync(db, work, context.Experiment, caller.ActorName, ct);
        await cache.RemoveAsync(CacheKey(context.Experiment.OrganizationName, context.Experiment.ModelName), ct);
        return TypedResults.Ok(new KeyRotationResponse(current.Kid, retired?.Kid, retired?.PublishedUntil));
    }

    private static readonly HybridCacheEntryOptions JwksEntry = new() { Expiration = TimeSpan.FromSeconds(2), LocalCacheExpiration = TimeSpan.FromSeconds(2) };

    public static string CacheKey(string org, string model) => $"jwks:{org}/{model}";

    public sealed record JwksDocument(byte[] Bytes, string ETag);
}
