using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.JoinRequests;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>
/// The reference server's join, exactly: <c>PUT /api/experiments/join?organization_name=&amp;model_name=</c> and
/// <c>PUT /api/experiments/join/{id}/</c>. Every refusal is 401 with a <c>detail</c>: hivemind's
/// <c>HuggingFaceAuthorizer</c> treats 401 as final and retries anything else for minutes.
/// </summary>
public static class ReferenceJoinEndpoints
{
    public static IEndpointRouteBuilder MapReferenceJoin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/experiments/join").WithTags("Reference-compatible join").RequireAuthorization();
        group.AddEndpointFilter(new Telemetry.JoinMetricsFilter("reference"));
        group.MapPut("/", JoinByName).Validate<ReferenceJoinRequest>(StatusCodes.Status422UnprocessableEntity)
            .WithName("experiments:join-experiment-by-organization-and-model-name");
        group.MapPut("/{id:int}/", JoinById).Validate<ReferenceJoinRequest>(StatusCodes.Status422UnprocessableEntity)
            .WithName("experiments:join-experiment-by-id");
        return app;
    }

    private static async Task<Results<Ok<ReferenceJoinResponse>, ProblemHttpResult>> JoinByName(
        ReferenceJoinRequest request, ClaimsPrincipal principal, ModerationDb db, JoinAccess access, PeerTokenIssuer issuer,
        JoinRequestRecorder recorder, ExperimentCache experiments, CancellationToken ct,
        [FromQuery(Name = "organization_name")] string? organizationName = null,
        [FromQuery(Name = "model_name")] string? modelName = null)
    {
        if (string.IsNullOrEmpty(organizationName) || string.IsNullOrEmpty(modelName))
        {
            return TypedResults.Problem("The query parameters 'organization_name' and 'model_name' are required.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "The request is not valid");
        }
        var experiment = await experiments.ByNameAsync(db, organizationName, modelName, ct);
        return await JoinAsync(experiment, $"{organizationName}/{modelName}", request, principal, db, access, issuer, recorder, ct);
    }

    private static async Task<Results<Ok<ReferenceJoinResponse>, ProblemHttpResult>> JoinById(
        int id, ReferenceJoinRequest request, ClaimsPrincipal principal, ModerationDb db, JoinAccess access, PeerTokenIssuer issuer,
        JoinRequestRecorder recorder, ExperimentCache experiments, CancellationToken ct)
    {
        var experiment = id < 1 ? null : await experiments.ByIdAsync(db, id, ct);
        return await JoinAsync(experiment, $"with id {id}", request, principal, db, access, issuer, recorder, ct);
    }

    private static async Task<Results<Ok<ReferenceJoinResponse>, ProblemHttpResult>> JoinAsync(
        Experiment? experiment, string name, ReferenceJoinRequest request, ClaimsPrincipal principal, ModerationDb db,
        JoinAccess access, PeerTokenIssuer issuer, JoinRequestRecorder recorder, CancellationToken ct)
    {
        if (experiment is null)
        {
            return Problems.ReferenceRefusal($"There is no collaborative experiment {name}.");
        }
        var user = HfIdentity.FromPrincipal(principal);
        var peerKey = OpenSshRsaKey.Parse(request.ExperimentJoinInput!.PeerPublicKey);
        if (await access.DecideAsync(db, experiment, user, ct, peerKey.Fingerprint) is { } refusal)
        {
            return Problems.ReferenceRefusal(refusal.Banned
                ? refusal.Reason
                : await recorder.RecordRefusedJoinAsync(db, experiment, user, refusal.Reason, ct));
        }
        var issued = await issuer.IssueAsync(db, experiment, user, peerKey, jwtIssuer: null, ct);
        return TypedResults.Ok(new ReferenceJoinResponse(
            experiment.CoordinatorIp, experiment.CoordinatorPort, issued.HivemindAccess, issued.AuthServerPublicKey));
    }
}
