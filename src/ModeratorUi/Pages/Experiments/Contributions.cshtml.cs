using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>Contribution reports for moderators: which were clipped, rolled back or unattributed, by whom; and acting on them.</summary>
public sealed class ContributionsModel(AuthApiClient api, IOptions<AuthApiOptions> apiOptions) : ExperimentPageModel(api)
{
    public static readonly (string Value, string Label)[] Flags =
        [("", "all reports"), ("clipped", "clipped"), ("rolled_back", "rolled back"), ("unattributed", "unknown owner")];

    public override string Tab => "contributions";

    [BindProperty(SupportsGet = true)]
    public string? Flag { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Username { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<ContributionReportResponse> Reports { get; private set; } = new([], 1, Paging.DefaultPageSize, 0);

    /// <summary>Service key names by id (owners may list keys; moderators see a shortened id).</summary>
    public IReadOnlyDictionary<Guid, string> KeyNames { get; private set; } = new Dictionary<Guid, string>();

    public string LeaderboardUrl => apiOptions.Value.LeaderboardUrl(Org, Model);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return;
        }
        Reports = await ReadListAsync(ApiPathOf("contributions").Query("page", Paging.Clamp(PageNumber)).Query("page_size", Paging.DefaultPageSize)
            .Query("flag", Flag).Query("username", Username?.Trim()), Reports, ct);
        KeyNames = await KeyNamesAsync(ct);
    }

    public async Task<IActionResult> OnPostRefreshAsync(CancellationToken ct)
    {
        var result = await Api.SendAsync<LeaderboardRefreshResponse>(HttpMethod.Post, ApiPathOf("leaderboard", "refresh"), null, ct);
        return Done("refresh", result, $"Leaderboard rebuilt: {Words.Plural(result.Value?.ReportsProcessed ?? 0, "new report", "new reports")} processed.");
    }

    /// <summary>
    /// The reason a ban would give, written in advance only when the evidence says what happened: a clipped report. An
    /// unflagged report says nothing against its sender, so the moderator writes the reason themselves.
    /// </summary>
    public static string? ReasonFor(ContributionReportResponse r) =>
        r.Flags.Contains("clipped")
            ? $"Inflated contribution report: claimed {Words.Number(r.Samples)} samples at {r.SamplesPerSecond:0.#} samples/s at step {r.Step}" +
              (r.CreditedSamples is { } credited ? $", credited {Words.Number(credited)} after clipping." : ", clipped by the credit rule.")
            : null;

    /// <summary>Evidence: the report itself and the user's reports in this console (the clipped ones, for a clipped report).</summary>
    public string EvidenceFor(ContributionReportResponse r)
    {
        var clipped = r.Flags.Contains("clipped");
        var list = $"{Request.Scheme}://{Request.Host}{Link("contributions")}?{(clipped ? "flag=clipped&" : "")}username={Uri.EscapeDataString(r.Username ?? "")}";
        return clipped ? $"Report {r.Id} (clipped) and the user's clipped reports: {list}" : $"Report {r.Id} at step {r.Step} and the user's reports: {list}";
    }

    private async Task<IReadOnlyDictionary<Guid, string>> KeyNamesAsync(CancellationToken ct)
    {
        if (!IsOwner)
        {
            return new Dictionary<Guid, string>();
        }
        var keys = await Api.GetAsync<List<ServiceKeyResponse>>(ApiPathOf("service-keys"), ct);
        return (keys.Value ?? []).ToDictionary(k => k.Id, k => k.Name);
    }
}
