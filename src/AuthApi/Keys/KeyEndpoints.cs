using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
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
        group.MapPost("/keys/rotate", Rotate).ForExperimentRole(ExperimentRole.Owner)
            .WithName("RotateKeys").WithSummary("Start signing with a new key; the old one stays published until its tokens expire (owners).");
        return app;
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> Jwks(
        string org, string model, HttpContext http, ModerationDb db, KeyRing keys, IMemoryCache cache, IOptions<TokenOptions> options,
        CancellationToken ct)
    {
        // Peers poll this; a short in-process cache keeps it off the database (rotations clear it at once locally).
        var document = await cache.GetOrCreateAsync(CacheKey(org, model), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(2);
            var experimentId = await db.Experiments.Where(e => e.OrganizationName == org && e.ModelName == model)
                .Select(e => (int?)e.Id).FirstOrDefaultAsync(ct);
            if (experimentId is null)
            {
                return null;
            }
            var bytes = JsonSerializer.SerializeToUtf8Bytes(await keys.PublishedJwksAsync(db, experimentId.Value, ct));
            return new JwksDocument(bytes, $"\"{Base64Url.Encode(SHA256.HashData(bytes).AsSpan(0, 16))}\"");
        });
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

    private static async Task<Ok<KeyRotationResponse>> Rotate(
        ExperimentContext context, Caller caller, ModerationDb db, UnitOfWork work, KeyRing keys, IMemoryCache cache, CancellationToken ct)
    {
        var (current, retired) = await keys.RotateAsync(db, work, context.Experiment, caller.ActorName, ct);
        cache.Remove(CacheKey(context.Experiment.OrganizationName, context.Experiment.ModelName));
        return TypedResults.Ok(new KeyRotationResponse(current.Kid, retired?.Kid, retired?.PublishedUntil));
    }

    public static string CacheKey(string org, string model) => $"jwks:{org}/{model}";

    private sealed record JwksDocument(byte[] Bytes, string ETag);
}
