using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class AllowlistModel(AuthApiClient api) : ExperimentPageModel(api)
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<AllowlistEntryResponse> Entries { get; private set; } = new([], 1, 50, 0);
    public AllowlistImportResponse? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(string username, string? reason, CancellationToken ct) =>
        Done(await Api.SendAsync<AllowlistEntryResponse>(HttpMethod.Put, ApiPath($"allowlist/{Uri.EscapeDataString(username.Trim())}"),
            new AllowlistAddRequest(string.IsNullOrWhiteSpace(reason) ? null : reason), ct), $"{username} is on the allowlist.");

    public async Task<IActionResult> OnPostRemoveAsync(string username, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation("remove a user")
            : Done(await Api.SendAsync<object>(HttpMethod.Delete, ApiPath($"allowlist/{Uri.EscapeDataString(username)}"), null, ct),
                $"{username} was removed from the allowlist.");

    public async Task<IActionResult> OnPostImportAsync(string usernames, string? reason, CancellationToken ct)
    {
        var result = await Api.SendAsync<AllowlistImportResponse>(HttpMethod.Post, ApiPath("allowlist/import"),
            new AllowlistImportRequest(usernames, string.IsNullOrWhiteSpace(reason) ? null : reason), ct);
        await LoadAsync(ct);
        Report = result.Value;
        Problem = result.Problem ?? Problem;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var query = $"allowlist?page={Math.Max(PageNumber, 1)}" + (string.IsNullOrWhiteSpace(Q) ? "" : $"&q={Uri.EscapeDataString(Q)}");
            var result = await Api.GetAsync<Paged<AllowlistEntryResponse>>(ApiPath(query), ct);
            Entries = result.Value ?? Entries;
            Problem ??= result.Problem;
        }
    }
}
