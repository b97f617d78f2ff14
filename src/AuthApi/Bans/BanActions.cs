using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Bans;

/// <summary>
/// Bans and unbans as the API asks for them: names resolved to accounts, outcomes mapped to answers. Since a ban removes
/// every power in its scope, who may be banned is limited: never a global admin (their powers come from the deployment's
/// configuration, and one admin could otherwise strip the others), never oneself, and an owner of the experiment by
/// grant only by an owner, not by a moderator (who may not lift an owner's ban either).
/// </summary>
public sealed class BanActions(
    BanService bans, UserDirectory users, ModerationDb db, Caller caller, ExperimentRoles roles, ExperimentContext context, TimeProvider clock)
{
    public async Task<Results<Created<BanResponse>, ProblemHttpResult>> BanAsync(
        Experiment? experiment, CreateBanRequest request, string location, CancellationToken ct)
    {
        if (await users.ResolveAsync(db, request.Username!, ct) is not { } user)
        {
            return Problems.UnknownUser(request.Username);
        }
        if (await RefusalAsync(experiment, user, ct) is { } refusal)
        {
            return refusal;
        }
        var (ban, revoked) = await bans.BanAsync(experiment, user, caller.ActorName, request, ct);
        if (ban is null)
        {
            return Problems.Conflict($"{user.Username} is already banned {(experiment is null ? "globally" : "from this experiment")}; lift that ban first to change it.");
        }
        ban.User = new HfUser { Id = user.Id, Username = user.Username };
        var name = experiment is null ? null : $"{experiment.OrganizationName}/{experiment.ModelName}";
        return TypedResults.Created($"{location}/{user.Username}", ban.ToDto(name, clock.GetUtcNow(), revoked));
    }

    private async Task<ProblemHttpResult?> RefusalAsync(Experiment? experiment, HfUserRef user, CancellationToken ct)
    {
        if (roles.IsGlobalAdmin(user.Id))
        {
            return Problems.Conflict($"{user.Username} is a global admin: their powers come from the deployment's configuration "
                                     + "(Moderation:GlobalAdminIds), not from this service. Remove them there first, then ban them.");
        }
        if (user.Id == caller.User.Id)
        {
            return Problems.Conflict("You cannot ban yourself: a ban would take away your powers here, and only someone else could lift it.");
        }
        if (experiment is not null && await IsOwnerAndCallerIsNotAsync(experiment, user, ct))
        {
            return Problems.Forbidden($"{user.Username} owns {experiment.OrganizationName}/{experiment.ModelName}: only an owner may ban an owner.");
        }
        return null;
    }

    public async Task<Results<NoContent, ProblemHttpResult>> UnbanAsync(Experiment? experiment, string username, CancellationToken ct)
    {
        if (Problems.InvalidUsername(username) is { } invalid)
        {
            return invalid;
        }
        var user = await users.ResolveAsync(db, username, ct);
        if (user is not null && experiment is not null && await IsOwnerAndCallerIsNotAsync(experiment, user, ct))
        {
            return Problems.Forbidden($"{user.Username} owns {experiment.OrganizationName}/{experiment.ModelName}: only an owner may lift an owner's ban.");
        }
        return user is not null && await bans.UnbanAsync(experiment, user, caller.ActorName, ct) is not null
            ? TypedResults.NoContent()
            : Problems.NotFound(experiment is null
                ? $"{username} is not banned globally."
                : $"{username} is not banned from {experiment.OrganizationName}/{experiment.ModelName}.");
    }

    private async Task<bool> IsOwnerAndCallerIsNotAsync(Experiment experiment, HfUserRef user, CancellationToken ct) =>
        context.Role < ExperimentRole.Owner
        && await db.ExperimentMembers.AnyAsync(m => m.ExperimentId == experiment.Id && m.UserId == user.Id && m.Role == ExperimentRole.Owner, ct);
}
