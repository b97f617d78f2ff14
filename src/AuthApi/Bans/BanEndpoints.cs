using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Bans;

/// <summary>
/// Experiment bans (<c>/api/v1/experiments/{org}/{model}/bans</c>, moderators) and global bans (<c>/api/v1/bans</c>,
/// global admins). A ban takes effect at once: the next join is refused and the user's live tokens are revoked.
/// </summary>
public static class BanEndpoints
{
    public static IEndpointRouteBuilder MapBans(this IEndpointRouteBuilder app)
    {
        var experiment = app.MapGroup("/api/v1/experiments/{org}/{model}/bans").WithTags("Bans").RequireAuthorization();
        experiment.MapPost("/", Ban).Validate<CreateBanRequest>().WithName("BanUser")
            .WithSummary("Ban a user from this experiment and revoke their tokens (moderators).");
        experiment.MapGet("/", List).WithName("ListBans").WithSummary("Bans in force here, including global ones (moderators).");
        experiment.MapDelete("/{username}", Unban).WithName("UnbanUser").WithSummary("Lift a user's ban from this experiment (moderators).");

        var global = app.MapGroup("/api/v1/bans").WithTags("Bans").RequireAuthorization();
        global.MapPost("/", BanGlobally).Validate<CreateBanRequest>().WithName("BanUserGlobally")
            .WithSummary("Ban a user from every experiment (global admins).");
        global.MapGet("/", ListGlobal).WithName("ListGlobalBans").WithSummary("Global bans (global admins).");
        global.MapDelete("/{username}", UnbanGlobally).WithName("UnbanUserGlobally").WithSummary("Lift a global ban (global admins).");
        return app;
    }

    private static async Task<Results<Created<BanResponse>, ProblemHttpResult>> Ban(
        string org, string model, CreateBanRequest request, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        BanService bans, HfUsers users, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "ban users", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        return await CreateAsync(db, found.Experiment, found.User.Username, request, bans, users, $"/api/v1/experiments/{org}/{model}/bans", ct);
    }

    private static async Task<Results<Created<BanResponse>, ProblemHttpResult>> BanGlobally(
        CreateBanRequest request, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, BanService bans, HfUsers users,
        CancellationToken ct)
    {
        var user = HfIdentity.FromPrincipal(principal);
        if (!roles.IsGlobalAdmin(user))
        {
            return Problems.Forbidden("Only global admins may ban users from every experiment.");
        }
        return await CreateAsync(db, null, user.Username, request, bans, users, "/api/v1/bans", ct);
    }

    private static async Task<Results<Created<BanResponse>, ProblemHttpResult>> CreateAsync(
        ModerationDb db, Experiment? experiment, string actor, CreateBanRequest request, BanService bans, HfUsers users, string location,
        CancellationToken ct)
    {
        if (!await users.ExistsAsync(request.Username!, ct))
        {
            return Problems.UnknownUser(request.Username);
        }
        var (ban, revoked) = await bans.BanAsync(db, experiment, actor, request, ct);
        if (ban is null)
        {
            return Problems.Conflict($"{request.Username} is already banned {(experiment is null ? "globally" : "from this experiment")}; lift that ban first to change it.");
        }
        var name = experiment is null ? null : $"{experiment.OrganizationName}/{experiment.ModelName}";
        return TypedResults.Created($"{location}/{ban.Username}", ban.ToDto(name, DateTimeOffset.UtcNow, revoked));
    }

    private static async Task<Results<Ok<List<BanResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, TimeProvider clock, CancellationToken ct,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "include_lifted")] bool includeLifted = false)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "see its bans", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var experimentId = found.Experiment!.Id;
        var now = clock.GetUtcNow();
        var bans = await db.Bans.AsNoTracking()
            .Where(b => (b.ExperimentId == experimentId || b.ExperimentId == null)
                        && (includeLifted || (b.LiftedAt == null && (b.ExpiresAt == null || b.ExpiresAt > now))))
            .OrderByDescending(b => b.CreatedAt).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(bans.Select(b => b.ToDto(b.ExperimentId is null ? null : $"{org}/{model}", now)).ToList());
    }

    private static async Task<Results<Ok<List<BanResponse>>, ProblemHttpResult>> ListGlobal(
        ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, TimeProvider clock, CancellationToken ct)
    {
        if (!roles.IsGlobalAdmin(HfIdentity.FromPrincipal(principal)))
        {
            return Problems.Forbidden("Only global admins may list global bans.");
        }
        var now = clock.GetUtcNow();
        var bans = await db.Bans.AsNoTracking().Where(b => b.ExperimentId == null).OrderByDescending(b => b.CreatedAt).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(bans.Select(b => b.ToDto(null, now)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Unban(
        string org, string model, string username, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, BanService bans,
        CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "lift bans", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        return await bans.UnbanAsync(db, found.Experiment, username, found.User.Username, ct) is null
            ? Problems.NotFound($"{username} is not banned from {org}/{model}.")
            : TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnbanGlobally(
        string username, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, BanService bans, CancellationToken ct)
    {
        var user = HfIdentity.FromPrincipal(principal);
        if (!roles.IsGlobalAdmin(user))
        {
            return Problems.Forbidden("Only global admins may lift global bans.");
        }
        return await bans.UnbanAsync(db, null, username, user.Username, ct) is null
            ? Problems.NotFound($"{username} is not banned globally.")
            : TypedResults.NoContent();
    }

    public static BanResponse ToDto(this Ban b, string? experiment, DateTimeOffset now, int tokensRevoked = 0) => new(
        b.Id, b.Username, experiment, b.Reason, b.Evidence, b.BannedBy, b.CreatedAt, b.ExpiresAt, b.LiftedAt, b.LiftedBy, b.IsInForce(now),
        tokensRevoked);
}
