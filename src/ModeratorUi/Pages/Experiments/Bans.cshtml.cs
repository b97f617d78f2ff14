using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class BansModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public override string Tab => "bans";

    /// <summary>Filled in from a link (a join request, a peer, a contribution report).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Username { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string Sort { get; set; } = "newest";

    [BindProperty(SupportsGet = true, Name = "lifted")]
    public bool IncludeLifted { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<BanResponse> Bans { get; private set; } = new([], 1, Paging.DefaultPageSize, 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return;
        }
        // The API answers every ban (at most 1,000): searched, sorted and paged here.
        IEnumerable<BanResponse> bans = await ReadListAsync<List<BanResponse>>(ApiPathOf("bans").Query("include_lifted", IncludeLifted ? "true" : null), [], ct);
        if (!string.IsNullOrWhiteSpace(Q))
        {
            bans = bans.Where(b => b.Username.Contains(Q.Trim(), StringComparison.OrdinalIgnoreCase));
        }
        bans = Sort switch
        {
            "username" => bans.OrderBy(b => b.Username, StringComparer.OrdinalIgnoreCase),
            "ending" => bans.OrderBy(b => b.ExpiresAt ?? DateTimeOffset.MaxValue),
            _ => bans.OrderByDescending(b => b.CreatedAt),
        };
        Bans = Paging.Slice(bans.ToList(), PageNumber);
    }

    public async Task<IActionResult> OnPostBanAsync(string? username, string? reason, string? evidence, string? duration,
        [FromForm(Name = "expires_at")] DateTime? expiresAt, string? confirm, CancellationToken ct)
    {
        if (confirm != "yes")
        {
            return NeedsConfirmation("ban", "ban");
        }
        var result = await BanAsync(username ?? "", reason, evidence, BanDurations.End(duration, expiresAt, DateTimeOffset.UtcNow), ct);
        return Done("ban", result, $"{result.Value?.Username} is banned; {Words.Plural(result.Value?.TokensRevoked ?? 0, "token was", "tokens were")} revoked.",
            field: "username");
    }

    public async Task<IActionResult> OnPostUnbanAsync(string username, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation($"unban:{username}", $"lift {username}'s ban")
            : Done($"unban:{username}", await Api.SendAsync<object>(HttpMethod.Delete, ApiPathOf("bans", username.Trim()), null, ct),
                $"{username}'s ban was lifted.");
}
