using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.ServiceKeys;
using Moderation.Contracts.InitialPeers;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.InitialPeers;

/// <summary>
/// <c>PUT /api/v1/experiments/{org}/{model}/initial-peers</c>: a run's monitor or auxiliary peer publishes the multiaddrs
/// other peers dial first, with its service key (<c>initial_peers:write</c>). Admitted participants then get them in the
/// join answers, the experiment answer and the console's quick start, as they get the coordinator.
/// </summary>
public static class InitialPeerEndpoints
{
    public static IEndpointRouteBuilder MapInitialPeers(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/v1/experiments/{org}/{model}/initial-peers", Publish).WithTags("Initial peers")
            .ForServiceKeys(ServiceKeyAuthenticator.InitialPeersWrite).Validate<PublishInitialPeersRequest>()
            .WithName("PublishInitialPeers")
            .WithSummary("Publish this auxiliary peer's multiaddrs as initial peers of the run; replaces what the key published before (service key with initial_peers:write).");
        return app;
    }

    private static async Task<Ok<PublishedInitialPeersResponse>> Publish(
        PublishInitialPeersRequest request, ExperimentContext context, Caller caller, ModerationDb db, UnitOfWork work, TimeProvider clock,
        CancellationToken ct)
    {
        var multiaddrs = Multiaddrs.Merge(request.Multiaddrs!);
        var key = await db.ServiceKeys.FirstAsync(k => k.Id == caller.ServiceKey!.Id, ct);
        if (key.InitialPeers.SequenceEqual(multiaddrs, StringComparer.Ordinal))
        {
            // Auxiliary peers publish on every start: the same addresses again change nothing and write nothing.
            return TypedResults.Ok(new PublishedInitialPeersResponse(key.InitialPeers, key.InitialPeersPublishedAt, context.Experiment.AllInitialPeers()));
        }
        var experiment = await work.RunAsync(async action =>
        {
            var before = key.InitialPeers;
            key.InitialPeers = multiaddrs;
            key.InitialPeersPublishedAt = clock.GetUtcNow();
            var changed = await InitialPeerLists.RepublishAsync(db, context.Id, key, ct);
            action.Audit(new AuditRecord(changed, caller.ActorName, "initial_peers.published", key.Name,
                Before: new { multiaddrs = before }, After: new { multiaddrs }));
            action.Changes(changed);
            return changed;
        }, ct);
        return TypedResults.Ok(new PublishedInitialPeersResponse(key.InitialPeers, key.InitialPeersPublishedAt, experiment.AllInitialPeers()));
    }
}
