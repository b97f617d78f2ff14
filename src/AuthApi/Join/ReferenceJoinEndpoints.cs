using Microsoft.AspNetCore.Http.HttpResults;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
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
        var group = app.MapGroup("/api/experiments/join").WithTags("Reference-compatible join").ForExperimentRole(ExperimentRole.None, reference: true)
            .RequireRateLimiting(RateLimits.Joins);
        group.AddEndpointFilter(new Telemetry.JoinMetricsFilter("reference"));
        group.MapPut("/", Join).ValidateReference<ReferenceJoinRequest>()
            .WithName("experiments:join-experiment-by-organization-and-model-name");
        group.MapPut("/{id}/", Join).ValidateReference<ReferenceJoinRequest>()
            .WithName("experiments:join-experiment-by-id");
        return app;
    }

    private static async Task<Results<Ok<ReferenceJoinResponse>, ProblemHttpResult>> Join(
        ReferenceJoinRequest request, ExperimentContext context, Caller caller, JoinService joins, CancellationToken ct)
    {
        var peerKey = OpenSshRsaKey.Parse(request.ExperimentJoinInput!.PeerPublicKey);
        var outcome = await joins.JoinAsync(context.Experiment, caller, peerKey, jwtIssuer: null, ct);
        return outcome.Issued is { } issued
            ? TypedResults.Ok(new ReferenceJoinResponse(context.Experiment.CoordinatorIp, context.Experiment.CoordinatorPort, issued.HivemindAccess,
                issued.AuthServerPublicKey, context.Experiment.AllInitialPeers()))
            : Problems.ReferenceRefusal(outcome.Reason!);
    }
}
