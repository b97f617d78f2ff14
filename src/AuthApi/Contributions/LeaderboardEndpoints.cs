using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// The leaderboard as JSON, CSV and history, public unless the experiment hides it (then only its moderators see it);
/// a refresh on demand for moderators; the list of public leaderboards for the tabs page.
/// </summary>
public static class LeaderboardEndpoints
{
    public const int MaxPageSize = 1000;

    /// <summary>Output-cache tag of every public leaderboard response; evicted when the job rebuilds or settings change.</summary>
    public const string CacheTag = "leaderboard";

    /// <summary>
    /// Anonymous answers are kept a few seconds in the output cache, keyed by the query parameters the endpoint reads and
    /// no others (so <c>?x=&lt;random&gt;</c> cannot push every request past the cache); authenticated ones are never cached,
    /// nor is a leaderboard its owners hid (<see cref="LeaderboardVisibility"/>, checked on every request).
    /// </summary>
    private static Action<OutputCachePolicyBuilder> Cached(params string[] reads) =>
        policy => policy.Expire(TimeSpan.FromSeconds(10)).Tag(CacheTag).SetVaryByQuery(reads).AddPolicy<LeaderboardVisibility>();

    public static IEndpointRouteBuilder MapLeaderboards(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}").WithTags("Leaderboard");
        group.MapGet("/leaderboard", Get).ForAnyone().CacheOutput(Cached("window", "page", "page_size")).WithName("GetLeaderboard")
            .WithSummary("Ranking for a window (all, 7d, 24h), paged; banned users and unattributed keys follow unranked.");
        group.MapGet("/leaderboard.csv", Csv).ForAnyone().CacheOutput(Cached("window")).WithName("GetLeaderboardCsv").WithSummary("The whole leaderboard of a window as CSV.");
        group.MapGet("/leaderboard/history", History).ForAnyone().CacheOutput(Cached("window", "username")).WithName("GetLeaderboardHistory")
            .WithSummary("Credited samples over time, for the experiment or one user.");
        group.MapPost("/leaderboard/refresh", Refresh).ForExperimentRole(ExperimentRole.Moderator).WithName("RefreshLeaderboard")
            .WithSummary("Process new reports and rebuild the leaderboards now (moderators).");
        // Not output-cached: one small query, and a leaderboard hidden through another replica leaves the list at once.
        app.MapGet("/api/v1/leaderboards", Public).ForAnyone().WithTags("Leaderboard").WithName("ListLeaderboards")
            .WithSummary("Experiments whose leaderboard is public.");
        return app;
    }

    private static async Task<Results<Ok<LeaderboardResponse>, ProblemHttpResult>> Get(
        string org, string model, HttpContext http, ModerationDb db, ExperimentRoles roles, CancellationToken ct,
        string window = LeaderboardWindows.All, int page = 1, [FromQuery(Name = "page_size")] int pageSize = 100)
    {
        if (Paging.Check(page, pageSize, MaxPageSize) is { } invalid)
        {
            return invalid;
        }
        var (experiment, refusal) = await VisibleAsync(org, model, window, http, db, roles, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var (builtAt, total, entries) = await LeaderboardPage.ReadAsync(db, experiment!.Id, window, Paging.Offset(page, pageSize), pageSize, ct);
        Cacheable(http, experiment);
        return TypedResults.Ok(new LeaderboardResponse($"{org}/{model}", window, builtAt, page, pageSize, total, entries.ConvertAll(ToDto)));
    }

    private static async Task<IResult> Csv(
        string org, string model, HttpContext http, ModerationDb db, ExperimentRoles roles, CancellationToken ct,
        string window = LeaderboardWindows.All)
    {
        var (experiment, refusal) = await VisibleAsync(org, model, window, http, db, roles, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var rows = Named(db, db.LeaderboardEntries.AsNoTracking().Where(e => e.ExperimentId == experiment!.Id && e.TimeWindow == window)
            .OrderBy(e => e.Position)).AsAsyncEnumerable();
        Cacheable(http, experiment!);
        // Streamed row by row: a leaderboard of any size is never built in memory.
        return TypedResults.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            await writer.WriteAsync(LeaderboardCsv.Header + "\r\n");
            await foreach (var row in rows.WithCancellation(ct))
            {
                await writer.WriteAsync(LeaderboardCsv.Line(ToDto(row)) + "\r\n");
            }
        }, "text/csv; charset=utf-8", $"{org}-{model}-leaderboard-{window}.csv");
    }

    private static async Task<Results<Ok<LeaderboardHistoryResponse>, ProblemHttpResult>> History(
        string org, string model, HttpContext http, ModerationDb db, ExperimentRoles roles, TimeProvider clock,
        CancellationToken ct, string window = LeaderboardWindows.All, string? username = null)
    {
        var (experiment, refusal) = await VisibleAsync(org, model, window, http, db, roles, ct);
        if (refusal is not null)
        {
            return refusal;
        }
        var now = clock.GetUtcNow();
        var since = LeaderboardWindows.Span(window) is { } span ? now - span : DateTimeOffset.MinValue;
        var hours = db.ContributionHours.AsNoTracking().Where(h => h.ExperimentId == experiment!.Id && h.Hour >= since);
        if (!string.IsNullOrEmpty(username))
        {
            // Public: names are matched against the accounts seen here, never looked up on the Hub.
            var ids = db.HfUsers.Where(u => EF.Functions.ILike(u.Username, TextQueries.Exactly(username), TextQueries.Escape)).Select(u => u.Id);
            hours = hours.Where(h => h.Attributed && ids.Contains(h.Contributor));
        }
        var perHour = await hours.GroupBy(h => h.Hour)
            .Select(g => new { Hour = g.Key, Credited = g.Sum(h => h.CreditedSamples), RolledBack = g.Sum(h => h.RolledBackSamples) })
            .OrderBy(p => p.Hour).ToListAsync(ct);
        var daily = window == LeaderboardWindows.All;
        var points = perHour
            .GroupBy(p => daily ? new DateTimeOffset(p.Hour.UtcDateTime.Date, TimeSpan.Zero) : p.Hour)
            .Select(g => new HistoryPoint(g.Key, g.Sum(p => p.Credited), g.Sum(p => p.RolledBack)))
            .ToList();
        Cacheable(http, experiment!);
        return TypedResults.Ok(new LeaderboardHistoryResponse($"{org}/{model}", window, username, daily ? "day" : "hour", points));
    }

    private static async Task<Results<Ok<LeaderboardRefreshResponse>, ProblemHttpResult>> Refresh(
        ExperimentContext context, LeaderboardJob job, CancellationToken ct)
    {
        return TypedResults.Ok(await job.RunAsync(experimentToRebuild: context.Id, ct));
    }

    /// <summary>The runs with a public leaderboard (at most <see cref="MaxListed"/>), with who may join and how lively they are.</summary>
    private static Task<List<PublicLeaderboard>> Public(ModerationDb db, CancellationToken ct) =>
        (from e in db.Experiments.AsNoTracking()
         where e.LeaderboardVisible
         orderby e.OrganizationName, e.ModelName
         select new PublicLeaderboard(e.OrganizationName, e.ModelName, "/leaderboard/" + e.OrganizationName + "/" + e.ModelName,
             db.LeaderboardStates.Where(s => s.ExperimentId == e.Id).Select(s => (DateTimeOffset?)s.BuiltAt).FirstOrDefault(),
             e.AccessPolicy,
             db.LeaderboardEntries.Count(l => l.ExperimentId == e.Id && l.TimeWindow == LeaderboardWindows.All && l.Attributed),
             db.LeaderboardEntries.Where(l => l.ExperimentId == e.Id && l.TimeWindow == LeaderboardWindows.All).Max(l => (DateTimeOffset?)l.LastSeen)))
        .Take(MaxListed).ToListAsync(ct);

    public const int MaxListed = 500;

    /// <summary>The experiment, if this caller may see its leaderboard: anyone when it is public, its moderators when hidden.</summary>
    private static async Task<(Experiment? Experiment, ProblemHttpResult? Refusal)> VisibleAsync(
        string org, string model, string window, HttpContext http, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        if (!LeaderboardWindows.Known.Contains(window))
        {
            return (null, Problems.BadRequest($"Unknown window '{window}': use all, 7d or 24h."));
        }
        // Read fresh, not from the one-second experiment cache: hiding takes effect at once on every replica.
        var experiment = await db.Experiments.AsNoTracking().Include(e => e.Members)
            .FirstOrDefaultAsync(e => e.OrganizationName == org && e.ModelName == model, ct);
        if (experiment is null)
        {
            return (null, Problems.NotFound($"There is no experiment {org}/{model}."));
        }
        if (!experiment.LeaderboardVisible && !await IsModeratorAsync(http, experiment, roles))
        {
            return (null, Problems.NotFound($"The leaderboard of {org}/{model} is hidden by its owners."));
        }
        return (experiment, null);
    }

    /// <summary>
    /// Whether the caller moderates the experiment. Only asked for hidden leaderboards, so public ones never resolve a
    /// token: the caller is authenticated here, on demand.
    /// </summary>
    private static async Task<bool> IsModeratorAsync(HttpContext http, Experiment experiment, ExperimentRoles roles)
    {
        if (!(await http.AuthenticateAsync(HfBearerHandler.SchemeName)).Succeeded)
        {
            return false;
        }
        var caller = http.RequestServices.GetRequiredService<Caller>();
        if (caller.Kind != CallerKind.User)
        {
            return false;
        }
        var bans = await Bans.BanStanding.LoadAsync(http.RequestServices.GetRequiredService<ModerationDb>(), caller.User.Id,
            http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), http.RequestAborted);
        return roles.RoleIn(experiment, caller, bans) >= ExperimentRole.Moderator;
    }

    /// <summary>Leaderboard rows with the current names of their users (contributors are HF ids, or fingerprints when unattributed).</summary>
    private static IQueryable<NamedEntry> Named(ModerationDb db, IQueryable<LeaderboardEntry> rows) =>
        rows.Select(e => new NamedEntry(e, e.Attributed ? db.HfUsers.Where(u => u.Id == e.Contributor).Select(u => u.Username).FirstOrDefault() : null));

    internal sealed record NamedEntry(LeaderboardEntry Entry, string? Username);

    private static void Cacheable(HttpContext http, Experiment experiment) =>
        // Public leaderboards may be cached by any HTTP cache for a little while; hidden ones only by the moderator's browser.
        http.Response.Headers.CacheControl = experiment.LeaderboardVisible ? "public, max-age=30" : "private, max-age=30";

    internal static LeaderboardEntryResponse ToDto(NamedEntry named)
    {
        var e = named.Entry;
        var flags = new List<string>();
        if (e.Banned)
        {
            flags.Add(ContributionFlags.Banned);
        }
        if (!e.Attributed)
        {
            flags.Add(ContributionFlags.Unattributed);
        }
        if (e.ClippedReports > 0)
        {
            flags.Add(ContributionFlags.Clipped);
        }
        if (e.RolledBackSamples > 0)
        {
            flags.Add(ContributionFlags.RolledBack);
        }
        var username = e.Attributed ? named.Username ?? e.Contributor : null;
        return new LeaderboardEntryResponse(e.Rank, username, e.Attributed ? null : e.Contributor,
            username is null ? null : AvatarEndpoints.Url(username), e.CreditedSamples, e.ClaimedSamples, e.RolledBackSamples, e.ActiveHours,
            e.Steps, e.LastSeen, flags);
    }
}
