using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Client;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// One action from what a moderator saw (a contribution report, a peer, a join request): ban the user or revoke only the
/// peer key. Nothing is chosen for them: the reason is written in advance only when the evidence says what happened (a
/// clipped report), and each button says what it does to whom.
/// </summary>
public sealed class ActModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public override string Tab => "bans";

    [BindProperty(SupportsGet = true)]
    public string? Username { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Fingerprint { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Evidence { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "do")] string? action, string? duration,
        [FromForm(Name = "expires_at")] DateTime? expiresAt, string? confirm, CancellationToken ct)
    {
        const string Form = "act";
        if (action is not ("ban" or "revoke"))
        {
            return Refused(Form, "Choose what to do: ban the user, or revoke only the peer key.");
        }
        if (confirm != "yes")
        {
            return NeedsConfirmation(Form, action == "ban" ? $"ban {Username}" : "revoke the peer key");
        }
        if (action == "ban")
        {
            var banned = await BanAsync(Username ?? "", Reason, Evidence, BanDurations.End(duration, expiresAt, DateTimeOffset.UtcNow), ct);
            if (banned.Problem is { } problem)
            {
                return Refused(Form, OnField(problem, "username"));
            }
            Notice = $"{banned.Value!.Username} is banned; {Words.Plural(banned.Value.TokensRevoked, "token was", "tokens were")} revoked.";
            return LocalRedirect(Link("bans"));
        }
        var revoked = await RevokePeerAsync(Fingerprint ?? "", Reason, ct);
        if (revoked.Problem is { } refused)
        {
            return Refused(Form, refused);
        }
        Notice = $"Peer key {revoked.Value!.PeerKeyFingerprint[..Math.Min(12, revoked.Value.PeerKeyFingerprint.Length)]}… is revoked; {Username} is not banned.";
        return LocalRedirect(Link("peers") + "?username=" + Uri.EscapeDataString(Username ?? ""));
    }
}
