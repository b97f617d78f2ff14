using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// The experiment's page: for a participant, where they stand (not requested / pending / admitted / rejected / banned)
/// and, once admitted, how to start a peer; for moderators, what needs attention.
/// </summary>
public sealed class OverviewModel(AuthApiClient api, IOptions<AuthApiOptions> apiOptions, IOptions<HfLoginOptions> hfOptions) : ExperimentPageModel(api)
{
    public override string Tab => "overview";
    protected override ExperimentRole RequiredRole => ExperimentRole.None;

    public MembershipResponse? Membership { get; private set; }
    public IReadOnlyList<PeerResponse> MyPeers { get; private set; } = [];
    public CheckpointResponse? CurrentCheckpoint { get; private set; }
    public int? ClippedReports { get; private set; }

    /// <summary>Where peers and people reach AuthApi: the server URL for training scripts.</summary>
    public string ServerUrl => apiOptions.Value.PublicBase;
    public string LeaderboardUrl => apiOptions.Value.LeaderboardUrl(Org, Model);
    public string TokenSettingsUrl => hfOptions.Value.BaseUrl.TrimEnd('/') + "/settings/tokens";

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return;
        }
        var membership = await Api.GetAsync<MembershipResponse>(ApiPathOf("membership"), ct);
        Membership = membership.Value;
        ListProblem = membership.Problem?.Detail;
        MyPeers = await ReadListAsync<List<PeerResponse>>(ApiPathOf("peers", "mine"), [], ct);
        if (CanModerate)
        {
            var checkpoints = await ReadListAsync(ApiPathOf("checkpoints").Query("page_size", 50), new Paged<CheckpointResponse>([], 1, 50, 0), ct);
            CurrentCheckpoint = checkpoints.Items.FirstOrDefault(c => c.Status == "active");
            var clipped = await Api.GetAsync<Paged<ContributionReportResponse>>(ApiPathOf("contributions").Query("flag", "clipped").Query("page_size", 1), ct);
            ClippedReports = clipped.Value?.Total;
        }
    }

    public async Task<IActionResult> OnPostRequestAsync(string? message, CancellationToken ct) =>
        Done("request", await Api.SendAsync<JoinRequestResponse>(HttpMethod.Post, ApiPathOf("join-requests"),
            new CreateJoinRequestRequest(string.IsNullOrWhiteSpace(message) ? null : message), ct), "Your request was sent to the moderators.");
}
