using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class AllowlistModel(AuthApiClient api) : ExperimentPageModel(api)
{
    private const string ReportKey = "import-report";

    /// <summary>At most this many report lines travel to the page after an import (the summary counts them all).</summary>
    private const int MaxReportedLines = 200;

    public override string Tab => "allowlist";

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<AllowlistEntryResponse> Entries { get; private set; } = new([], 1, Paging.DefaultPageSize, 0);

    /// <summary>The report of the import just made, shown once after its redirect.</summary>
    public AllowlistImportResponse? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (TempData[ReportKey] is string report)
        {
            Report = JsonSerializer.Deserialize<AllowlistImportResponse>(report);
        }
        if (await LoadAsync(ct))
        {
            Entries = await ReadListAsync(ApiPathOf("allowlist").Query("page", Paging.Clamp(PageNumber)).Query("page_size", Paging.DefaultPageSize).Query("q", Q?.Trim()),
                Entries, ct);
        }
    }

    public async Task<IActionResult> OnPostAddAsync(string? username, string? reason, CancellationToken ct) =>
        Done("add", await Api.SendAsync<AllowlistEntryResponse>(HttpMethod.Put, ApiPathOf("allowlist", username?.Trim() ?? ""),
            new AllowlistAddRequest(string.IsNullOrWhiteSpace(reason) ? null : reason), ct), $"{username?.Trim()} is on the allowlist.");

    public async Task<IActionResult> OnPostRemoveAsync(string username, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation($"remove:{username}", $"remove {username}")
            : Done($"remove:{username}", await Api.SendAsync<object>(HttpMethod.Delete, ApiPathOf("allowlist", username.Trim()), null, ct),
                $"{username} was removed from the allowlist.");

    public async Task<IActionResult> OnPostImportAsync(string? usernames, string? reason, CancellationToken ct)
    {
        var result = await Api.SendAsync<AllowlistImportResponse>(HttpMethod.Post, ApiPathOf("allowlist", "import"),
            new AllowlistImportRequest(usernames, string.IsNullOrWhiteSpace(reason) ? null : reason), ct);
        if (result.Value is { } report)
        {
            // Lines that need a look first; the added ones are in the list itself.
            var lines = report.Lines.OrderBy(l => l.Outcome == ImportOutcome.Added).Take(MaxReportedLines).ToList();
            TempData[ReportKey] = JsonSerializer.Serialize(report with { Lines = lines });
        }
        return Done("import", result, $"Import done: {result.Value?.Added} added.");
    }
}
