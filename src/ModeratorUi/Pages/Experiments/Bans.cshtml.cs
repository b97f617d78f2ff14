using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class BansModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public IReadOnlyList<BanResponse> Bans { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var result = await Api.GetAsync<List<BanResponse>>(ApiPath("bans"), ct);
            Bans = result.Value ?? [];
            Problem ??= result.Problem;
        }
    }

    public async Task<IActionResult> OnPostBanAsync(string username, string reason, string? evidence, DateTime? expiresAt, string? confirm, CancellationToken ct)
    {
        if (confirm != "yes")
        {
            return NeedsConfirmation("ban");
        }
        DateTimeOffset? until = expiresAt is { } local ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Utc)) : null;
        var result = await Api.SendAsync<BanResponse>(HttpMethod.Post, ApiPath("bans"),
            new CreateBanRequest(username.Trim(), reason, string.IsNullOrWhiteSpace(evidence) ? null : evidence, until), ct);
        return Done(result, $"{username} is banned; {result.Value?.TokensRevoked} tokens were revoked.");
    }

    public async Task<IActionResult> OnPostUnbanAsync(string username, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation("lift a ban")
            : Done(await Api.SendAsync<object>(HttpMethod.Delete, ApiPath($"bans/{Uri.EscapeDataString(username)}"), null, ct), $"{username}'s ban was lifted.");
}
