using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Bans;

/// <summary>
/// Experiment bans (<c>/api/v1/experiments/{org}/{model}/bans</c>, moderators) and global bans (<c>/api/v1/bans</c>,
/// global admins). A ban takes effect at once: the next join is refused and the user's live tokens are revoked. A name
/// in any letter case means that account, and the ban follows the account through renames.
/// </summary>
public static class BanEndpoints
{
    public static IEndpointRouteBuilder MapBans(this IEndpointRouteBuilder app)
    {
        var experiment = app.MapGroup("/api/v1/experiments/{org}/{model}/bans").WithTags("Bans").ForExperimentRole(ExperimentRole.Moderator);
        experiment.MapPost("/", (CreateBanRequest request, ExperimentContext context, BanActions bans, CancellationToken ct) =>
                bans.BanAsync(context.Experiment, request, $"/api/v1/experiments/{context.Name}/bans", ct))
            .Validate<CreateBanRequest>().WithName("BanUser").WithSummary("Ban a user from this experiment and revoke their tokens (moderators).");
        experiment.MapGet("/", List).WithName("ListBans").WithSummary("See the bans in force here, including global ones (moderators).");
        experiment.MapDelete("/{username}", (string username, ExperimentContext context, BanActions bans, CancellationToken ct) =>
                bans.UnbanAsync(context.Experiment, username, ct))
            .WithName("UnbanUser").WithSummary("Lift a user's ban from this experiment (moderators).");

        var global = app.MapGroup("/api/v1/bans").WithTags("Bans").ForGlobalAdmins();
        global.MapPost("/", (CreateBanRequest request, BanActions bans, CancellationToken ct) => bans.BanAsync(null, request, "/api/v1/bans", ct))
            .Validate<CreateBanRequest>().WithName("BanUserGlobally").WithSummary("Ban a user from every experiment (global admins).");
        global.MapGet("/", ListGlobal).WithName("ListGlobalBans").WithSummary("Global bans (global admins).");
        global.MapDelete("/{username}", (string username, BanActions bans, CancellationToken ct) => bans.UnbanAsync(null, username, ct))
            .WithName("UnbanUserGlobally").WithSummary("Lift a global ban (global admins).");
        return app;
    }

    private static async Task<Ok<List<BanResponse>>> List(
        ExperimentContext context, ModerationDb db, TimeProvider clock, CancellationToken ct, [FromQuery(Name = "include_lifted")] bool includeLifted = false)
    {
        var now = clock.GetUtcNow();
        var query = db.Bans.AsNoTracking().Include(b => b.User).ApplyingTo(context.Id);
        var bans = await (includeLifted ? query : query.InForce(now)).OrderByDescending(b => b.CreatedAt).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(bans.Select(b => b.ToDto(b.ExperimentId is null ? null : context.Name, now)).ToList());
    }

    private static async Task<Ok<List<BanResponse>>> ListGlobal(ModerationDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var bans = await db.Bans.AsNoTracking().Include(b => b.User).Where(b => b.ExperimentId == null)
            .OrderByDescending(b => b.CreatedAt).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(bans.Select(b => b.ToDto(null, now)).ToList());
    }

    public static BanResponse ToDto(this Ban b, string? experiment, DateTimeOffset now, int tokensRevoked = 0) => new(
        b.Id, b.User?.Username ?? b.UserId, experiment, b.Reason, b.Evidence, b.BannedBy, b.CreatedAt, b.ExpiresAt, b.LiftedAt, b.LiftedBy,
        b.IsInForce(now), tokensRevoked);
}

/// <summary>Bans and unbans as the API asks for them: names resolved to accounts, outcomes mapped to answers.</summary>
public sealed class BanActions(BanService bans, UserDirectory users, ModerationDb db, Caller caller, TimeProvider clock)
{
    public async Task<Results<Created<BanResponse>, ProblemHttpResult>> BanAsync(
        Experiment? experiment, CreateBanRequest request, string location, CancellationToken ct)
    {
        if (await users.ResolveAsync(db, request.Username!, ct) is not { } user)
        {
            return Problems.UnknownUser(request.Username);
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

    public async Task<Results<NoContent, ProblemHttpResult>> UnbanAsync(Experiment? experiment, string username, CancellationToken ct)
    {
        if (Problems.InvalidUsername(username) is { } invalid)
        {
            return invalid;
        }
        var user = await users.ResolveAsync(db, username, ct);
        return user is not null && await bans.UnbanAsync(experiment, user, caller.ActorName, ct) is not null
            ? TypedResults.NoContent()
            : Problems.NotFound(experiment is null
                ? $"{username} is not banned globally."
                : $"{username} is not banned from {experiment.OrganizationName}/{experiment.ModelName}.");
    }
}
