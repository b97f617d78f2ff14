using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

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
        if (role == ExperimentRole.Owner && user.Id == caller.User.Id)
        {
            // What it would add to the owner's own rights is only that it outlives them (THREATS.md: no permanent powers
            // from a grant one gave oneself).
            return Problems.Conflict($"You own {context.Name} already; an owner grant to yourself is not made, since all it would add is to outlive "
                                     + "the rights you own it by. Ask another owner for a grant if you need one.");
        }
        if (role == ExperimentRole.Moderator && (existing?.Role == ExperimentRole.Owner || (user.Id == caller.User.Id && context.Role == ExperimentRole.Owner)))
        {
            return Problems.Conflict($"{user.Username} owns {context.Name}; an owner is not made a moderator (revoke the owner grant first).");
        }
        var member = new ExperimentMember
        {
            ExperimentId = context.Id, UserId = user.Id, Role = role, GrantedBy = caller.ActorName, GrantedById = caller.User.Id, GrantedAt = clock.GetUtcNow(),
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
