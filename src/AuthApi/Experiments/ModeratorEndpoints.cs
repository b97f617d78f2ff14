using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Experiments;

/// <summary><c>/api/v1/experiments/{org}/{model}/moderators</c>: moderators read the list, owners grant and remove.</summary>
public static class ModeratorEndpoints
{
    public static IEndpointRouteBuilder MapModerators(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/moderators").WithTags("Moderators").RequireAuthorization();
        group.MapGet("/", List).WithName("ListModerators").WithSummary("Owners and moderators of an experiment (moderators).");
        group.MapPut("/{username}", Grant).WithName("GrantModerator").WithSummary("Make a user a moderator (owners).");
        group.MapDelete("/{username}", Revoke).WithName("RemoveModerator").WithSummary("Take a moderator's role away (owners).");
        return app;
    }

    private static async Task<Results<Ok<List<ModeratorResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "see its moderators", ct);
        return found.Refusal is { } refusal
            ? refusal
            : TypedResults.Ok(found.Experiment!.Members.OrderBy(m => m.Role).ThenBy(m => m.Username).Select(m => m.ToDto()).ToList());
    }

    private static async Task<Results<Ok<ModeratorResponse>, Created<ModeratorResponse>, ProblemHttpResult>> Grant(
        string org, string model, string username, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        ExperimentCache cache, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        if (!HfNames.IsValid(username))
        {
            return Problems.BadRequest($"'username' {HfNames.Rule}.");
        }
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Owner, "grant or remove moderators", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var experiment = found.Experiment!;
        var existing = experiment.Members.FirstOrDefault(m => string.Equals(m.Username, username, StringComparison.OrdinalIgnoreCase));
        if (existing?.Role == ExperimentRole.Owner)
        {
            return Problems.Conflict($"{existing.Username} owns {org}/{model}; an owner is not made a moderator.");
        }
        if (existing is not null)
        {
            return TypedResults.Ok(existing.ToDto());
        }

        var member = new ExperimentMember
        {
            ExperimentId = experiment.Id,
            Username = username,
            Role = ExperimentRole.Moderator,
            GrantedBy = found.User.Username,
            GrantedAt = clock.GetUtcNow(),
        };
        await db.InTransactionAsync(async () =>
        {
            db.ExperimentMembers.Add(member);
            await audit.AppendAsync(db, new AuditRecord(experiment, found.User.Username, "moderator.granted", username, After: member.ToDto()), ct);
            return await db.SaveChangesAsync(ct);
        }, ct);
        await cache.EvictAsync(experiment);
        return TypedResults.Created($"/api/v1/experiments/{org}/{model}/moderators/{username}", member.ToDto());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string org, string model, string username, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        ExperimentCache cache, AuditLog audit, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Owner, "grant or remove moderators", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var experiment = found.Experiment!;
        var removed = await db.InTransactionAsync(async () =>
        {
            var count = await db.ExperimentMembers
                .Where(m => m.ExperimentId == experiment.Id && m.Username == username && m.Role == ExperimentRole.Moderator)
                .ExecuteDeleteAsync(ct);
            if (count > 0)
            {
                await audit.AppendAsync(db, new AuditRecord(experiment, found.User.Username, "moderator.removed", username), ct);
                await db.SaveChangesAsync(ct);
            }
            return count;
        }, ct);
        await cache.EvictAsync(experiment);
        return removed == 0
            ? Problems.NotFound($"{username} is not a moderator of {org}/{model}.")
            : TypedResults.NoContent();
    }
}
