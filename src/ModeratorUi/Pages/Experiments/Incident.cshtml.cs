using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// An attack in one view: the clipped reports over time and who sent them, the checkpoints with the current one, and
/// the rollback to the newest checkpoint before the first suspicious step; one confirmed form bans and rolls back.
/// </summary>
public sealed class IncidentModel(AuthApiClient api) : ExperimentPageModel(api)
{
    private const int PageSize = ModerationLimits.MaxPageSize;

    public override string Tab => "incident";

    public sealed record Offender(string Username, int Reports, long FirstStep, long LastStep, long Claimed, long Credited);

    public sealed record Bucket(DateTimeOffset Start, int Reports);

    public int ClippedTotal { get; private set; }
    public IReadOnlyList<Offender> Offenders { get; private set; } = [];
    public IReadOnlyList<Bucket> Timeline { get; private set; } = [];
    public TimeSpan BucketSize { get; private set; } = TimeSpan.FromHours(1);
    public long? FirstSuspiciousStep { get; private set; }
    public IReadOnlyList<CheckpointResponse> Checkpoints { get; private set; } = [];
    public CheckpointResponse? Current { get; private set; }
    public CheckpointResponse? Target { get; private set; }
    public RollbackPreview? Preview { get; private set; }
    public IReadOnlyList<RollbackResponse> RecentRollbacks { get; private set; } = [];

    public string BanReason => $"Inflated contribution reports (clipped by the credit rule) from step {FirstSuspiciousStep}.";
    public string RollbackReason => $"Inflated contribution reports from step {FirstSuspiciousStep} by {string.Join(", ", Offenders.Select(o => o.Username))}.";

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return;
        }
        var clipped = await ClippedReportsAsync(ct);
        FirstSuspiciousStep = clipped.Count > 0 ? clipped.Min(r => r.Step) : null;
        Offenders = clipped.Where(r => r.Username is not null).GroupBy(r => r.Username!)
            .Select(g => new Offender(g.Key, g.Count(), g.Min(r => r.Step), g.Max(r => r.Step), g.Sum(r => r.Samples), g.Sum(r => r.CreditedSamples ?? 0)))
            .OrderByDescending(o => o.Reports).ToList();
        Timeline = BuildTimeline(clipped);

        var checkpoints = await ReadListAsync(ApiPathOf("checkpoints").Query("page_size", PageSize), new Paged<CheckpointResponse>([], 1, PageSize, 0), ct);
        Checkpoints = checkpoints.Items.Take(12).ToList();
        Current = checkpoints.Items.FirstOrDefault(c => c.Status == "active");
        Target = FirstSuspiciousStep is { } first ? checkpoints.Items.FirstOrDefault(c => c.Status == "active" && c.Step < first) : null;
        if (Target is not null && Target.Id != Current?.Id)
        {
            Preview = (await Api.GetAsync<RollbackPreview>(ApiPathOf("rollbacks", "preview").Query("checkpointId", Target.Id), ct)).Value;
        }
        RecentRollbacks = (await ReadListAsync<List<RollbackResponse>>(ApiPathOf("rollbacks"), [], ct)).Take(5).ToList();
    }

    public async Task<IActionResult> OnPostAsync(string[]? ban, string? reason, string? rollback, [FromForm(Name = "checkpoint_id")] long? checkpointId,
        [FromForm(Name = "rollback_reason")] string? rollbackReason, string? confirm, CancellationToken ct)
    {
        const string Form = "incident";
        var users = ban ?? [];
        if (users.Length == 0 && rollback != "yes")
        {
            return Refused(Form, "Choose whom to ban, or the rollback, or both.");
        }
        if (confirm != "yes")
        {
            return NeedsConfirmation(Form, "act on this incident");
        }
        var done = new List<string>();
        foreach (var username in users)
        {
            var evidence = $"Clipped contribution reports: {Request.Scheme}://{Request.Host}{Link("contributions")}?flag=clipped&username={Uri.EscapeDataString(username)}";
            var banned = await BanAsync(username, reason, evidence, null, ct);
            if (banned.Problem is { } problem)
            {
                return Refused(Form, problem with { Detail = Prefix(done) + $"{username} was not banned: {problem.Detail}" });
            }
            done.Add($"{username} is banned ({Words.Plural(banned.Value!.TokensRevoked, "token", "tokens")} revoked)");
        }
        if (rollback != "yes")
        {
            Notice = string.Join("; ", done) + ".";
            return LocalRedirect(Link("bans"));
        }
        var started = await Api.SendAsync<RollbackResponse>(HttpMethod.Post, ApiPathOf("rollbacks"), new CreateRollbackRequest(checkpointId, rollbackReason), ct);
        if (started.Problem is { } refused)
        {
            return Refused(Form, refused with { Detail = Prefix(done) + $"The rollback was not started: {refused.Detail}" });
        }
        done.Add($"rollback {started.Value!.Id} to step {started.Value.Step} started");
        Notice = string.Join("; ", done) + ".";
        return LocalRedirect(Link($"rollbacks/{started.Value.Id.ToString(CultureInfo.InvariantCulture)}"));
    }

    private static string Prefix(List<string> done) => done.Count == 0 ? "" : string.Join("; ", done) + ". ";

    /// <summary>The newest clipped reports and, when there are more, the oldest too (where the first suspicious step is).</summary>
    private async Task<List<ContributionReportResponse>> ClippedReportsAsync(CancellationToken ct)
    {
        var empty = new Paged<ContributionReportResponse>([], 1, PageSize, 0);
        var newest = await ReadListAsync(ApiPathOf("contributions").Query("flag", "clipped").Query("page_size", PageSize), empty, ct);
        ClippedTotal = newest.Total;
        var reports = newest.Items.ToList();
        var lastPage = (newest.Total + PageSize - 1) / PageSize;
        if (lastPage > 1)
        {
            var oldest = await ReadListAsync(ApiPathOf("contributions").Query("flag", "clipped").Query("page_size", PageSize).Query("page", lastPage), empty, ct);
            reports.AddRange(oldest.Items.Where(o => reports.All(r => r.Id != o.Id)));
        }
        return reports;
    }

    /// <summary>Bucket sizes for the timeline, the smallest that keeps it under <see cref="MaxBuckets"/> bars.</summary>
    private static readonly TimeSpan[] BucketSizes =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1)];

    private const int MaxBuckets = 72;

    /// <summary>
    /// Clipped reports per bucket, from a little before the first (at least half an hour, so the quiet time before the
    /// attack shows) to now, in buckets small enough that an attack of minutes is not one solid bar.
    /// </summary>
    private List<Bucket> BuildTimeline(List<ContributionReportResponse> reports)
    {
        if (reports.Count == 0)
        {
            return [];
        }
        var first = reports.Min(r => r.Time);
        var last = Max(reports.Max(r => r.Time), DateTimeOffset.UtcNow);
        var from = first - Max(TimeSpan.FromMinutes(30), (last - first) / 4);
        BucketSize = BucketSizes.FirstOrDefault(b => (last - from).Ticks / b.Ticks < MaxBuckets, BucketSizes[^1]);
        var start = new DateTimeOffset(from.UtcTicks - from.UtcTicks % BucketSize.Ticks, TimeSpan.Zero);
        var counts = new int[(int)((last - start).Ticks / BucketSize.Ticks) + 1];
        foreach (var r in reports)
        {
            counts[Math.Clamp((int)((r.Time - start).Ticks / BucketSize.Ticks), 0, counts.Length - 1)]++;
        }
        return counts.Select((n, i) => new Bucket(start + BucketSize * i, n)).ToList();
    }

    private static T Max<T>(T a, T b) where T : IComparable<T> => a.CompareTo(b) >= 0 ? a : b;

    /// <summary>Where on the timeline (0 to 1) a moment falls, or null outside it.</summary>
    public double? Position(DateTimeOffset at)
    {
        if (Timeline.Count == 0)
        {
            return null;
        }
        var start = Timeline[0].Start;
        var end = Timeline[^1].Start + BucketSize;
        return at < start || at > end ? null : (at - start) / (end - start);
    }

    /// <summary>"per minute", "per 5 minutes", "per hour"…</summary>
    public string BucketWords => BucketSize.TotalMinutes switch
    {
        1 => "per minute",
        < 60 => $"per {BucketSize.TotalMinutes} minutes",
        60 => "per hour",
        < 1440 => $"per {BucketSize.TotalHours} hours",
        _ => "per day",
    };
}
