namespace Moderation.ModeratorUi.Data;

/// <summary>
/// The report of one allowlist import, kept here (not in a cookie: it grows with the import) so the page the import
/// redirects to can show it on any replica, and it can be downloaded. Kept for <see cref="ImportReports.KeptFor"/>.
/// </summary>
public sealed class ImportReport
{
    public Guid Id { get; set; }

    /// <summary>The experiment as <c>org/model</c>, in the API's spelling; a report is shown only under its own experiment.</summary>
    public required string Experiment { get; set; }

    /// <summary>Who imported (their name, for the page).</summary>
    public required string ImportedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The API's answer (<c>AllowlistImportResponse</c>) as JSON.</summary>
    public required string Report { get; set; }
}
