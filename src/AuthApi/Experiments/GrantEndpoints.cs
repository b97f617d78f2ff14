using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

/// <summary>
/// Explicit roles in an experiment: owners grant and revoke moderators and other owners (every change audited);
/// moderators read the list. Admins of the experiment's HF organization own it without a grant.
/// </summary>
public static class GrantEndpoints
{
    public static IEndpointRouteBuilder MapGrants(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}").WithTags("Moderators and owners");
        group.MapGet("/moderators", List).ForExperimentRole(ExperimentRole.Moderator).WithName("ListModerators")
            .WithSummary("See the explicit moderator and owner grants of an experiment (moderators).");
        var owners = app.MapGroup("/api/v1/experiments/{org}/{model}").WithTags("Moderators and owners").ForExperimentRole(ExperimentRole.Owner);
        owners.MapPut("/moderators/{username}", (string username, Grants grants, CancellationToken ct) => grants.GrantAsync(username, ExperimentRole.Moderator, ct))
            .WithName("GrantModerator").WithSummary("Make a user a moderator (owners).");
        owners.MapDelete("/moderators/{username}", (string username, Grants grants, CancellationToken ct) => grants.RevokeAsync(username, ExperimentRole.Moderator, ct))
            .WithName("RemoveModerator").WithSummary("Take a moderator's role away (owners).");
        owners.MapPut("/owners/{username}", (string username, Grants grants, CancellationToken ct) => grants.GrantAsync(username, ExperimentRole.Owner, ct))
            .WithName("GrantOwner").WithSummary("Make a user an owner of this experiment by an explicit, revocable grant (owners).");
        owners.MapDelete("/owners/{username}", (string username, Grants grants, CancellationToken ct) => grants.RevokeAsync(username, ExperimentRole.Owner, ct))
            .WithName("RevokeOwner").WithSummary("Revoke an explicit owner grant (owners).");
        return app;
    }

    private static async Task<Ok<List<ModeratorResponse>>> List(ExperimentContext context, ModerationDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.ExperimentMembers.AsNoTracking().Include(m => m.User).Where(m => m.ExperimentId == context.Id)
                .OrderByDescending(m => m.Role).ThenBy(m => m.User!.Username).ToListAsync(ct))
            .Select(m => m.ToDto()).ToList());
}
