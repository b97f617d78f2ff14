using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Revocations;

/// <summary>
/// <c>GET /api/v1/experiments/{org}/{model}/revocations</c>: the signed revocation list peers poll. Public, with an
/// ETag that changes only when the content does, so thousands of peers mostly get a 304.
/// </summary>
public static class RevocationEndpoints
{
    public static IEndpointRouteBuilder MapRevocations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/experiments/{org}/{model}/revocations", Get).AllowAnonymous().WithTags("Revocations")
            .WithName("GetRevocationList").WithSummary("Banned users, revoked peer keys and tokens, as a compact JWS signed by the experiment.");
        return app;
    }

    private static async Task<Results<ContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> Get(
        string org, string model, HttpContext http, RevocationListCache cache)
    {
        var document = await cache.GetAsync(org, model);
        if (document is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        http.Response.Headers.ETag = document.ETag;
        http.Response.Headers.CacheControl = "public, max-age=1";
        if (http.Request.Headers.IfNoneMatch.Any(v => v == document.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Content(document.Jws, RevocationList.MediaType);
    }

    public static async Task<RevocationDocument?> BuildAsync(
        ModerationDb db, KeyRing keys, string org, string model, DateTimeOffset now, CancellationToken ct)
    {
        var experimentId = await db.Experiments.Where(e => e.OrganizationName == org && e.ModelName == model)
            .Select(e => (int?)e.Id).FirstOrDefaultAsync(ct);
        if (experimentId is null)
        {
            return null;
        }
        var version = await db.CurrentRevocationVersionAsync(ct);
        var banned = await db.Bans.AsNoTracking()
            .Where(b => (b.ExperimentId == experimentId || b.ExperimentId == null) && b.LiftedAt == null && (b.ExpiresAt == null || b.ExpiresAt > now))
            .Select(b => b.Username).Distinct().OrderBy(u => u).ToListAsync(ct);
        var revokedKeys = await db.RevokedPeerKeys.AsNoTracking().Where(r => r.ExperimentId == experimentId)
            .Select(r => r.PeerKeyFingerprint).OrderBy(f => f).ToListAsync(ct);
        var revokedTokens = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experimentId && t.RevokedAt != null && t.ExpiresAt > now)
            .Select(t => new { t.Id, t.HivemindSignature }).ToListAsync(ct);
        var tokenIds = revokedTokens.SelectMany(t => new[] { t.Id.ToString(), RevocationList.HivemindTokenId(t.HivemindSignature) })
            .Order(StringComparer.Ordinal).ToList();

        var list = new RevocationList($"{org}/{model}", version, now.ToUnixTimeSeconds(), banned, revokedKeys, tokenIds);
        var content = string.Join("\n", [version.ToString(System.Globalization.CultureInfo.InvariantCulture), .. banned, "", .. revokedKeys, "", .. tokenIds]);
        var etag = $"\"{version}-{Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(content)).AsSpan(0, 12))}\"";
        var signingKey = await keys.ActiveAsync(db, experimentId.Value, ct);
        return new RevocationDocument(list.Sign(signingKey.Kid, signingKey.Rsa), etag, list);
    }

    public sealed record RevocationDocument(string Jws, string ETag, RevocationList List);
}
