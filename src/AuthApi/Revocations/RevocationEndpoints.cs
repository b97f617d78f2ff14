using Microsoft.AspNetCore.Http.HttpResults;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Infrastructure;
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
        app.MapGet("/api/v1/experiments/{org}/{model}/revocations", Get).ForAnyone().WithTags("Revocations")
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
}
