using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Client;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// One action from what a moderator saw (a contribution report, a peer, a join request): ban the user, revoke the peer
/// key, or both, with the reason and evidence already written from what was seen.
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

    public async Task<IActionResult> OnPostAsync(string? ban, string? revoke, [FromForm(Name = "expires_at")] DateTime? expiresAt, string? confirm, CancellationToken ct)
    {
        const string Form = "act";
        if (ban != "yes" && revoke != "yes")
        {
            return Refused(Form, "Choose what to do: ban the user, revoke the peer, or both.");
        }
        if (confirm != "yes")
        {
            return NeedsConfirmation(Form, "act");
        }
        var done = new List<string>();
        if (ban == "yes")
        {
            var banned = await BanAsync(Username ?? "", Reason, Evidence, expiresAt, ct);
            if (banned.Problem is { } problem)
            {
                return Refused(Form, problem);
            }
            done.Add($"{banned.Value!.Username} is banned ({Words.Plural(banned.Value.TokensRevoked, "token", "tokens")} revoked)");
        }
        if (revoke == "yes")
        {
            var revoked = await RevokePeerAsync(Fingerprint ?? "", Reason, ct);
            if (revoked.Problem is { } problem)
            {
                return Refused(Form, done.Count == 0 ? problem : problem with { Detail = $"{done[0]}, but the peer was not revoked: {problem.Detail}" });
            }
            done.Add($"peer {revoked.Value!.PeerKeyFingerprint[..Math.Min(12, revoked.Value.PeerKeyFingerprint.Length)]}… is revoked");
        }
        Notice = string.Join("; ", done) + ".";
        return LocalRedirect(ban == "yes" ? Link("bans") : Link("peers") + "?username=" + Uri.EscapeDataString(Username ?? ""));
    }
}
