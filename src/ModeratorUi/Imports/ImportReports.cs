using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Json;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Data;

namespace Moderation.ModeratorUi.Imports;

/// <summary>Allowlist import reports in the database, keyed by a random id that the import's redirect carries.</summary>
public sealed class ImportReports(UiDb db, TimeProvider clock)
{
    /// <summary>How long a report can be opened again (and downloaded) after its import.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(7);

    /// <summary>Stores <paramref name="report"/> and answers its id; reports older than <see cref="KeptFor"/> go at the same time.</summary>
    public async Task<Guid> SaveAsync(string experiment, string importedBy, AllowlistImportResponse report, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var saved = new ImportReport
        {
            Id = Guid.NewGuid(), Experiment = experiment, ImportedBy = importedBy, CreatedAt = now,
            Report = JsonSerializer.Serialize(report, WireJson.Options),
        };
        db.ImportReports.Add(saved);
        await db.SaveChangesAsync(ct);
        await db.ImportReports.Where(r => r.CreatedAt < now - KeptFor).ExecuteDeleteAsync(ct);
        return saved.Id;
    }

    /// <summary>The report <paramref name="id"/> of <paramref name="experiment"/>, or null (unknown, expired, or another experiment's).</summary>
    public async Task<(ImportReport Row, AllowlistImportResponse Report)?> FindAsync(Guid id, string experiment, CancellationToken ct)
    {
        var since = clock.GetUtcNow() - KeptFor;
        var row = await db.ImportReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.Experiment == experiment && r.CreatedAt >= since, ct);
        return row is null ? null : (row, JsonSerializer.Deserialize<AllowlistImportResponse>(row.Report, WireJson.Options)!);
    }
}
