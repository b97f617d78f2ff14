using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Imports;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// The report of an allowlist import: first the lines that need a look (names the Hub does not know, lines that are not
/// names), then the counts, and every line as CSV. It is read from the database, so any replica shows it.
/// </summary>
public sealed class ImportReportModel(AuthApiClient api, ImportReports reports) : ExperimentPageModel(api)
{
    public override string Tab => "allowlist";

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public AllowlistImportResponse? Report { get; private set; }
    public string ImportedBy { get; private set; } = "";
    public DateTimeOffset ImportedAt { get; private set; }

    /// <summary>The lines that need a look, a page of them.</summary>
    public Paged<ImportLineResult> Problems { get; private set; } = new([], 1, Paging.DefaultPageSize, 0);

    public static bool IsProblem(ImportLineResult line) => line.Outcome is ImportOutcome.UnknownUser or ImportOutcome.InvalidName or ImportOutcome.NotChecked;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) && await FindAsync(ct))
        {
            Problems = Paging.Slice(Report!.Lines.Where(IsProblem).ToList(), Paging.Clamp(PageNumber));
        }
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !await FindAsync(ct))
        {
            return Page();
        }
        return File(Csv.Of(["line", "written", "outcome"],
                Report!.Lines.Select(l => new[] { l.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), l.Text, Words.Import(l.Outcome) })),
            "text/csv", $"allowlist-import-{ImportedAt.UtcDateTime:yyyyMMdd-HHmm}.csv");
    }

    private async Task<bool> FindAsync(CancellationToken ct)
    {
        if (await reports.FindAsync(Id, Name.ToLowerInvariant(), ct) is not { } found)
        {
            ListProblem = $"There is no import report {Id} for {Name} (reports are kept {ImportReports.KeptFor.TotalDays:0} days).";
            return false;
        }
        (Report, ImportedBy, ImportedAt) = (found.Report, found.Row.ImportedBy, found.Row.CreatedAt);
        return true;
    }
}
