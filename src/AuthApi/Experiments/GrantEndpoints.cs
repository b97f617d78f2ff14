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

/// <summary>Granting and revoking the explicit roles of the request's experiment.</summary>
public sealed class Grants(ExperimentContext context, ModerationDb db, UserDirectory users, UnitOfWork work, Caller caller, TimeProvider clock)
{
    public async Task<Results<Created<ModeratorResponse>, Ok<ModeratorResponse>, ProblemHttpResult>> GrantAsync(
        string username, ExperimentRole role, CancellationToken ct)
    {
        if (Problems.InvalidUsername(username) is { } invalid)
        {
            return invalid;
        }
        if (await users.ResolveAsync(db, username, ct) is not { } user)
        {
            return Problems.UnknownUser(username);
        }
        var existing = await db.ExperimentMembers.Include(m => m.User).FirstOrDefaultAsync(m => m.ExperimentId == context.Id && m.UserId == user.Id, ct);
        if (existing?.Role == role)
        {
            return TypedResults.Ok(existing.ToDto());
        }
        if (role == ExperimentRole.Moderator && (existing?.Role == ExperimentRole.Owner || (user.Id == caller.User.Id && context.Role == ExperimentRole.Owner)))
        {
            return Problems.Conflict($"{user.Username} owns {context.Name}; an owner is not made a moderator (revoke the owner grant first).");
        }
        var member = new ExperimentMember
        {
            ExperimentId = context.Id, UserId = user.Id, Role = role, GrantedBy = caller.ActorName, GrantedAt = clock.GetUtcNow(),
        };
        await work.RunAsync(async action =>
        {
            await users.EnsureAsync(db, user, ct);
            if (existing is not null)
            {
                db.ExperimentMembers.Remove(existing);
                await db.SaveChangesAsync(ct);
            }
            db.ExperimentMembers.Add(member);
            action.Audit(new AuditRecord(context.Experiment, caller.ActorName, GrantAction(role, granted: true), user.Username,
                Before: existing is null ? null : new { role = existing.Role.ToString().ToLowerInvariant() },
                After: new { role = role.ToString().ToLowerInvariant(), user_id = user.Id }));
            action.Changes(context.Experiment);
            return true;
        }, ct);
        member.User = new HfUser { Id = user.Id, Username = user.Username };
        return TypedResults.Created($"/api/v1/experiments/{context.Name}/{(role == ExperimentRole.Owner ? "owners" : "moderators")}/{user.Username}",
            member.ToDto());
    }

    public async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string username, ExperimentRole role, CancellationToken ct)
    {
        if (Problems.InvalidUsername(username) is { } invalid)
        {
            return invalid;
        }
        var user = await users.ResolveAsync(db, username, ct);
        var removed = user is not null && await work.RunAsync(async action =>
        {
            var count = await db.ExperimentMembers.Where(m => m.ExperimentId == context.Id && m.UserId == user.Id && m.Role == role).ExecuteDeleteAsync(ct);
            if (count > 0)
            {
                action.Audit(new AuditRecord(context.Experiment, caller.ActorName, GrantAction(role, granted: false), user.Username,
                    After: new { user_id = user.Id }));
                action.Changes(context.Experiment);
            }
            return count > 0;
        }, ct);
        return removed
            ? TypedResults.NoContent()
            : Problems.NotFound($"{username} has no {role.ToString().ToLowerInvariant()} grant in {context.Name}.");
    }

    private static string GrantAction(ExperimentRole role, bool granted) =>
        (role == ExperimentRole.Owner ? "owner." : "moderator.") + (granted ? "granted" : "removed");
}
