using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class PeersModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public override string Tab => "peers";

    [BindProperty(SupportsGet = true)]
    public string? Username { get; set; }

    [BindProperty(SupportsGet = true)]
    public string Sort { get; set; } = "recent";

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<PeerResponse> Peers { get; private set; } = new([], 1, Paging.DefaultPageSize, 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return;
        }
        // The API answers at most 1,000 peers, newest token first: sorted and paged here.
        IEnumerable<PeerResponse> peers = await ReadListAsync<List<PeerResponse>>(ApiPathOf("peers").Query("username", Username?.Trim()), [], ct);
        peers = Sort switch
        {
            "username" => peers.OrderBy(p => p.Username, StringComparer.OrdinalIgnoreCase).ThenByDescending(p => p.LastIssuedAt),
            "tokens" => peers.OrderByDescending(p => p.Tokens),
            _ => peers,
        };
        Peers = Paging.Slice(peers.ToList(), PageNumber);
    }

    public async Task<IActionResult> OnPostRevokeAsync(string fingerprint, string? reason, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation($"revoke:{fingerprint}", "revoke the peer")
            : Done($"revoke:{fingerprint}", await RevokePeerAsync(fingerprint, reason, ct), "The peer was revoked: its tokens are void and its key is refused.");
}
