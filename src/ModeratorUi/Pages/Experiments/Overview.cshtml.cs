using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class OverviewModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public MembershipResponse? Membership { get; private set; }
    public IReadOnlyList<PeerResponse> MyPeers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!await LoadExperimentAsync(ct))
        {
            return;
        }
        var membership = await Api.GetAsync<MembershipResponse>(ApiPath("membership"), ct);
        Membership = membership.Value;
        Problem ??= membership.Problem;
        MyPeers = (await Api.GetAsync<List<PeerResponse>>(ApiPath("peers/mine"), ct)).Value ?? [];
    }

    public async Task<IActionResult> OnPostRequestAsync(string? message, CancellationToken ct) =>
        Done(await Api.SendAsync<JoinRequestResponse>(HttpMethod.Post, ApiPath("join-requests"),
            new CreateJoinRequestRequest(string.IsNullOrWhiteSpace(message) ? null : message), ct), "Your request was sent to the moderators.");
}
