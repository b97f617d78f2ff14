using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// An attack in one view: the clipped reports over time and who sent them, the checkpoints with the current one, what
/// was already done about it (bans, a rollback: by whom, when), and one confirmed form for what is left: ban whoever is
/// not banned yet, roll back to the newest checkpoint before the first suspicious step unless that is done or under way.
/// </summary>
public sealed class IncidentModel(AuthApiClient api) : ExperimentPageModel(api)
{
    private const int PageSize = ModerationLimits.MaxPageSize;

    public override string Tab => "incident";

    public sealed record Offender(string Username, int Reports, long FirstStep, long LastStep, long Claimed, long Credited, BanResponse? Ban)
    {
        public string Steps => FirstStep == LastStep ? $"step {FirstStep}" : $"steps {FirstStep}–{LastStep}";
    }

    public int ClippedTotal { get; private set; }
    public IReadOnlyList<Offender> Offenders { get; private set; } = [];
    public IncidentTimeline Timeline { get; private set; } = new([], DateTimeOffset.UtcNow);
    public long? FirstSuspiciousStep { get; private set; }
    public IReadOnlyList<CheckpointResponse> Checkpoints { get; private set; } = [];
    public CheckpointResponse? Current { get; private set; }
    public CheckpointResponse? Target { get; private set; }
    public RollbackPreview? Preview { get; private set; }
    public IReadOnlyList<RollbackResponse> RecentRollbacks { get; private set; } = [];

    /// <summary>A rollback of this experiment not finished yet: no other is offered meanwhile.</summary>
    public RollbackResponse? Running { get; private set; }

    /// <summary>The rollback that put the current checkpoint, before the attack, in place.</summary>
    public RollbackResponse? RolledBack { get; private set; }

    public IReadOnlyList<Offender> LeftToBan => Offenders.Where(o => o.Ban is null).ToList();
    public bool NothingLeft => LeftToBan.Count == 0 && Preview is null;

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
        var bans = (await ReadListAsync<List<BanResponse>>(ApiPathOf("bans"), [], ct)).Where(b => b.InForce)
            .GroupBy(b => b.Username, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        Offenders = clipped.Where(r => r.Username is not null).GroupBy(r => r.Username!)
            .Select(g => new Offender(g.Key, g.Count(), g.Min(r => r.Step), g.Max(r => r.Step), g.Sum(r => r.Samples), g.Sum(r => r.CreditedSamples ?? 0),
                bans.GetValueOrDefault(g.Key)))
            .OrderByDescending(o => o.Reports).ToList();
        Timeline = new IncidentTimeline(clipped, DateTimeOffset.UtcNow);

        var checkpoints = await ReadListAsync(ApiPathOf("checkpoints").Query("page_size", PageSize), new Paged<CheckpointResponse>([], 1, PageSize, 0), ct);
        Checkpoints = checkpoints.Items.Take(12).ToList();
        Current = checkpoints.Items.FirstOrDefault(c => c.Status == "active");
        Target = FirstSuspiciousStep is { } first ? checkpoints.Items.FirstOrDefault(c => c.Status == "active" && c.Step < first) : null;
        var rollbacks = await ReadListAsync<List<RollbackResponse>>(ApiPathOf("rollbacks"), [], ct);
        RecentRollbacks = rollbacks.Take(5).ToList();
        Running = rollbacks.FirstOrDefault(r => r.Status is "pending" or "running");
        RolledBack = Current is not null && Current.Step < FirstSuspiciousStep
            ? rollbacks.FirstOrDefault(r => r.Status == "succeeded" && r.CheckpointId == Current.Id)
            : null;
        if (Target is not null && Target.Id != Current?.Id && Running is null)
        {
            Preview = (await Api.GetAsync<RollbackPreview>(ApiPathOf("rollbacks", "preview").Query("checkpointId", Target.Id), ct)).Value;
        }
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
            return LocalRedirect(Link("incident"));
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
}
