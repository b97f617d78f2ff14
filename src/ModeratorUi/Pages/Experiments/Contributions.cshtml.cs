using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>Contribution reports for moderators: which were clipped, rolled back or unattributed, and by whom.</summary>
public sealed class ContributionsModel(AuthApiClient api, IOptions<AuthApiOptions> apiOptions) : ExperimentPageModel(api)
{
    [BindProperty(SupportsGet = true)]
    public string? Flag { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Username { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<ContributionReportResponse> Reports { get; private set; } = new([], 1, 50, 0);

    /// <summary>The experiment's public leaderboard page, served by AuthApi.</summary>
    public string LeaderboardUrl => $"{apiOptions.Value.BaseUrl.TrimEnd('/')}/leaderboard/{Uri.EscapeDataString(Org)}/{Uri.EscapeDataString(Model)}";

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var query = $"contributions?page={Math.Max(PageNumber, 1)}"
                        + (string.IsNullOrWhiteSpace(Flag) ? "" : $"&flag={Uri.EscapeDataString(Flag)}")
                        + (string.IsNullOrWhiteSpace(Username) ? "" : $"&username={Uri.EscapeDataString(Username)}");
            var result = await Api.GetAsync<Paged<ContributionReportResponse>>(ApiPath(query), ct);
            Reports = result.Value ?? Reports;
            Problem ??= result.Problem;
        }
    }

    public async Task<IActionResult> OnPostRefreshAsync(CancellationToken ct)
    {
        var result = await Api.SendAsync<LeaderboardRefreshResponse>(HttpMethod.Post, ApiPath("leaderboard/refresh"), null, ct);
        return Done(result, $"Leaderboard rebuilt: {result.Value?.ReportsProcessed ?? 0} new report(s) processed.");
    }
}
