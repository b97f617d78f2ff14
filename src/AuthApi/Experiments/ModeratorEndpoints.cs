using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
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
        var experiment = await db.FindByNameAsync(org, model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        if (roles.RoleIn(experiment, HfIdentity.FromPrincipal(principal)) == ExperimentRole.None)
        {
            return Problems.Forbidden($"Only moderators and owners of {org}/{model} may see its moderators.");
        }
        return TypedResults.Ok(experiment.Members.OrderBy(m => m.Role).ThenBy(m => m.Username).Select(m => m.ToDto()).ToList());
    }

    private static async Task<Results<Ok<ModeratorResponse>, Created<ModeratorResponse>, ProblemHttpResult>> Grant(
        string org, string model, string username, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        ExperimentCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (!HfNames.IsValid(username))
        {
            return Problems.BadRequest($"'username' {HfNames.Rule}.");
        }
        var (experiment, refusal) = await FindAsOwnerAsync(org, model, principal, db, roles, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var existing = experiment!.Members.FirstOrDefault(m => string.Equals(m.Username, username, StringComparison.OrdinalIgnoreCase));
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
            GrantedBy = HfIdentity.FromPrincipal(principal).Username,
            GrantedAt = clock.GetUtcNow(),
        };
        db.ExperimentMembers.Add(member);
        await db.SaveChangesAsync(ct);
        cache.Evict(experiment);
        return TypedResults.Created($"/api/v1/experiments/{org}/{model}/moderators/{username}", member.ToDto());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string org, string model, string username, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        ExperimentCache cache, CancellationToken ct)
    {
        var (experiment, refusal) = await FindAsOwnerAsync(org, model, principal, db, roles, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var removed = await db.ExperimentMembers
            .Where(m => m.ExperimentId == experiment!.Id && m.Username == username && m.Role == ExperimentRole.Moderator)
            .ExecuteDeleteAsync(ct);
        cache.Evict(experiment!);
        return removed == 0
            ? Problems.NotFound($"{username} is not a moderator of {org}/{model}.")
            : TypedResults.NoContent();
    }

    private static async Task<(Experiment? Experiment, ProblemHttpResult? Refusal)> FindAsOwnerAsync(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        var experiment = await db.FindByNameAsync(org, model, ct);
        if (experiment is null)
        {
            return (null, Problems.NotFound($"There is no experiment {org}/{model}."));
        }
        return roles.RoleIn(experiment, HfIdentity.FromPrincipal(principal)) == ExperimentRole.Owner
            ? (experiment, null)
            : (experiment, Problems.Forbidden($"Only owners of {org}/{model} may grant or remove moderators."));
    }
}
