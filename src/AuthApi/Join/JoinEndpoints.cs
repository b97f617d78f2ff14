using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.JoinRequests;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>Native join: <c>POST /api/v1/experiments/{org}/{model}/join</c> → a PS256 JWT and a hivemind_access token.</summary>
public static class JoinEndpoints
{
    public static IEndpointRouteBuilder MapJoin(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/experiments/{org}/{model}/join", Join).AddEndpointFilter(new Telemetry.JoinMetricsFilter("native"))
            .RequireAuthorization().WithTags("Join").Validate<JoinInput>()
            .WithName("JoinExperiment")
            .WithSummary("Exchange your HF token and your peer's public key for signed peer tokens (any admitted participant).");
        return app;
    }

    private static async Task<Results<Ok<JoinResponse>, ProblemHttpResult>> Join(
        string org, string model, JoinInput request, ClaimsPrincipal principal, HttpContext http, ModerationDb db,
        JoinAccess access, PeerTokenIssuer issuer, JoinRequestRecorder recorder, ExperimentCache experiments, Microsoft.Extensions.Options.IOptions<TokenOptions> options,
        CancellationToken ct)
    {
        var experiment = await experiments.ByNameAsync(db, org, model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        var user = HfIdentity.FromPrincipal(principal);
        var peerKey = OpenSshRsaKey.Parse(request.PeerPublicKey);
        if (await access.DecideAsync(db, experiment, user, ct, peerKey.Fingerprint) is { } refusal)
        {
            var reason = refusal.Banned ? refusal.Reason : await recorder.RecordRefusedJoinAsync(db, experiment, user, refusal.Reason, ct);
            return TypedResults.Problem(reason, statusCode: StatusCodes.Status403Forbidden,
                title: refusal.Banned ? "Banned" : "Not admitted", extensions: new Dictionary<string, object?> { ["banned"] = refusal.Banned });
        }

        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        var issued = await issuer.IssueAsync(db, experiment, user, peerKey, options.Value.Issuer ?? origin, ct);
        return TypedResults.Ok(new JoinResponse(
            issued.Record.Jwt!, issued.Record.Kid, issued.Record.ExpiresAt, issued.HivemindAccess, issued.AuthServerPublicKey,
            issued.Record.PeerKeyFingerprint, experiment.CoordinatorIp, experiment.CoordinatorPort,
            $"{origin}/api/v1/experiments/{experiment.OrganizationName}/{experiment.ModelName}/jwks"));
    }
}
