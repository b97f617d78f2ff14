using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class PeersModel(AuthApiClient api) : ExperimentPageModel(api)
{
    [BindProperty(SupportsGet = true)]
    public string? Username { get; set; }

    public IReadOnlyList<PeerResponse> Peers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var filter = string.IsNullOrWhiteSpace(Username) ? "" : $"?username={Uri.EscapeDataString(Username)}";
            var result = await Api.GetAsync<List<PeerResponse>>(ApiPath("peers" + filter), ct);
            Peers = result.Value ?? [];
            Problem ??= result.Problem;
        }
    }

    public async Task<IActionResult> OnPostRevokeAsync(string fingerprint, string? reason, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation("revoke a peer")
            : Done(await Api.SendAsync<RevokePeerResponse>(HttpMethod.Post, ApiPath($"peers/{Uri.EscapeDataString(fingerprint)}/revoke"),
                new RevokePeerRequest(reason), ct), "The peer was revoked.");
}
