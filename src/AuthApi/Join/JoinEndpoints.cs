using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>Native join: <c>POST /api/v1/experiments/{org}/{model}/join</c> → a PS256 JWT and a hivemind_access token.</summary>
public static class JoinEndpoints
{
    public static IEndpointRouteBuilder MapJoin(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/experiments/{org}/{model}/join", Join).AddEndpointFilter(new Telemetry.JoinMetricsFilter("native"))
            .ForExperimentRole(ExperimentRole.None).RequireRateLimiting(RateLimits.Joins).WithTags("Join").Validate<JoinInput>()
            .WithName("JoinExperiment")
            .WithSummary("Exchange your HF token and your peer's public key for signed peer tokens (any admitted participant).");
        return app;
    }

    /// <summary>Where this service is, as peers and token verifiers should name it: the configured issuer, else the request's origin.</summary>
    public static string PublicOrigin(HttpRequest request, TokenOptions options) => options.PublicOrigin(request);

    private static async Task<Results<Ok<JoinResponse>, ProblemHttpResult>> Join(
        JoinInput request, ExperimentContext context, Caller caller, HttpContext http, JoinService joins, IOptions<TokenOptions> options,
        CancellationToken ct)
    {
        var experiment = context.Experiment;
        var origin = PublicOrigin(http.Request, options.Value);
        var outcome = await joins.JoinAsync(experiment, caller, OpenSshRsaKey.Parse(request.PeerPublicKey), origin, ct);
        if (outcome.Issued is not { } issued)
        {
            if (outcome.RetryAfter is { } wait)
            {
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            var (status, title) = outcome.Refusal switch
            {
                JoinRefusal.NotAdmitted => (StatusCodes.Status403Forbidden, "Not admitted"),
                JoinRefusal.KeyTaken => (StatusCodes.Status409Conflict, "Peer key belongs to someone else"),
                JoinRefusal.TooManyKeys => (StatusCodes.Status429TooManyRequests, "Too many peer keys"),
                _ => (StatusCodes.Status403Forbidden, "Banned"),
            };
            return TypedResults.Problem(outcome.Reason, statusCode: status, title: title,
                extensions: new Dictionary<string, object?> { ["banned"] = outcome.Refusal is JoinRefusal.Banned or JoinRefusal.KeyRevoked });
        }
        return TypedResults.Ok(new JoinResponse(
            issued.Record.Jwt!, issued.Record.Kid, issued.Record.ExpiresAt, issued.HivemindAccess, issued.AuthServerPublicKey,
            issued.Record.PeerKeyFingerprint, experiment.CoordinatorIp, experiment.CoordinatorPort,
            $"{origin}/api/v1/experiments/{experiment.OrganizationName}/{experiment.ModelName}/jwks", experiment.AllInitialPeers()));
    }
}
