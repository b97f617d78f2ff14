using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Imports;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class AllowlistModel(AuthApiClient api, ImportReports reports) : ExperimentPageModel(api)
{
    /// <summary>An import of the most lines the API takes looks up thousands of names on the Hub: it may take a while.</summary>
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromMinutes(2);

    public override string Tab => "allowlist";

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<AllowlistEntryResponse> Entries { get; private set; } = new([], 1, Paging.DefaultPageSize, 0);

    /// <summary>Who among the listed users is banned here (or globally) now, with the ban.</summary>
    public IReadOnlyDictionary<string, BanResponse> Banned { get; private set; } = new Dictionary<string, BanResponse>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct))
        {
            Entries = await ReadListAsync(ApiPathOf("allowlist").Query("page", Paging.Clamp(PageNumber)).Query("page_size", Paging.DefaultPageSize).Query("q", Q?.Trim()),
                Entries, ct);
            var bans = await ReadListAsync<List<BanResponse>>(ApiPathOf("bans"), [], ct);
            Banned = bans.Where(b => b.InForce).GroupBy(b => b.Username, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>The whole allowlist as CSV.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Page();
        }
        var all = new List<AllowlistEntryResponse>();
        for (var page = 1; ; page++)
        {
            var result = await Api.GetAsync<Paged<AllowlistEntryResponse>>(ApiPathOf("allowlist").Query("page", page).Query("page_size", ModerationLimits.MaxPageSize), ct);
            if (result.Value is not { } slice)
            {
                ListProblem = result.Problem?.Detail;
                return Page();
            }
            all.AddRange(slice.Items);
            if (slice.Items.Count == 0 || all.Count >= slice.Total)
            {
                break;
            }
        }
        return File(Csv.Of(["username", "added_by", "added_at", "reason"],
            all.Select(a => new[] { a.Username, a.AddedBy, a.AddedAt.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture), a.Reason })),
            "text/csv", $"allowlist-{Org}-{Model}.csv");
    }

    public async Task<IActionResult> OnPostAddAsync(string? username, string? reason, CancellationToken ct)
    {
        var typed = username?.Trim() ?? "";
        var result = await Api.SendAsync<AllowlistEntryResponse>(HttpMethod.Put, ApiPathOf("allowlist", typed),
            new AllowlistAddRequest(string.IsNullOrWhiteSpace(reason) ? null : reason), ct);
        var entry = result.Value;
        return Done("add", result, result.Created || entry is null
            ? $"{entry?.Username ?? typed} is on the allowlist."
            : $"{entry.Username} was already on the allowlist (added by {entry.AddedBy}, {Words.When(entry.AddedAt)}): nothing changed.", field: "username");
    }

    public async Task<IActionResult> OnPostRemoveAsync(string username, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation($"remove:{username}", $"remove {username}")
            : Done($"remove:{username}", await Api.SendAsync<object>(HttpMethod.Delete, ApiPathOf("allowlist", username.Trim()), null, ct),
                $"{username} was removed from the allowlist.");

    /// <summary>Removes the ticked users of the page, one call each; says who was removed and who could not be.</summary>
    public async Task<IActionResult> OnPostRemoveSelectedAsync([FromForm(Name = "selected")] string[]? selected, string? confirm, CancellationToken ct)
    {
        const string Form = "remove-selected";
        var names = (selected ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0)
        {
            return Refused(Form, "Tick the users to remove first.");
        }
        if (confirm != "yes")
        {
            return NeedsConfirmation(Form, $"remove {Words.Plural(names.Count, "user", "users")}");
        }
        var failed = new List<string>();
        foreach (var name in names)
        {
            var result = await Api.SendAsync<object>(HttpMethod.Delete, ApiPathOf("allowlist", name), null, ct);
            if (result.Problem is { } problem)
            {
                failed.Add($"{name}: {problem.Detail}");
            }
        }
        var removed = names.Count - failed.Count;
        return failed.Count == 0
            ? Succeeded($"{Words.Plural(removed, "user was", "users were")} removed from the allowlist.")
            : Refused(Form, $"{Words.Plural(removed, "user was", "users were")} removed; not removed: {string.Join("; ", failed)}");
    }

    public async Task<IActionResult> OnPostImportAsync(string? usernames, string? reason, CancellationToken ct)
    {
        var result = await Api.SendAsync<AllowlistImportResponse>(HttpMethod.Post, ApiPathOf("allowlist", "import"),
            new AllowlistImportRequest(usernames, string.IsNullOrWhiteSpace(reason) ? null : reason), ct, ImportTimeout);
        if (result.Value is not { } report)
        {
            return Done("import", result, "", field: "usernames");
        }
        // The report grows with the import: it stays in the database, and the redirect carries its id.
        var id = await reports.SaveAsync(ReportKey, User.Identity?.Name ?? "", report, ct);
        Notice = $"Import done: {Words.Plural(report.Added, "user", "users")} added.";
        return LocalRedirect(Link($"allowlist/imports/{id}"));
    }

    /// <summary>Reports are filed under the experiment's name in lower case (names are the same in any case).</summary>
    public string ReportKey => Name.ToLowerInvariant();
}
