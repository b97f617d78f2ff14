using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Json;

namespace Moderation.AuthApi.Audit;

/// <summary>
/// The append-only, hash-chained audit log. Entries are appended inside the caller's transaction under a
/// transaction-scoped advisory lock, so the chain has no forks however many replicas write at once.
/// </summary>
public sealed class AuditLog(TimeProvider clock)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// Adds the entries of one action to <paramref name="db"/>, chained in order after the tip (read once, under the
    /// lock); the caller's SaveChanges and commit store them. An import of thousands of names is thousands of entries.
    /// </summary>
    public async Task AppendAsync(ModerationDb db, IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit entries are appended inside the transaction of the action they record.");
        }
        if (records.Count == 0)
        {
            return;
        }
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryLocks.AuditChain})", ct);
        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).Select(a => new ChainTip(a.Id, a.Hash)).FirstOrDefaultAsync(ct);
        var now = clock.GetUtcNow();
        // PostgreSQL keeps microseconds: hash exactly what will be read back.
        var at = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        foreach (var record in records)
        {
            var entry = new AuditEntry
            {
                Id = (last?.Id ?? 0) + 1,
                At = at,
                ExperimentId = record.Experiment?.Id,
                Experiment = record.Experiment is { } e ? $"{e.OrganizationName}/{e.ModelName}" : null,
                Actor = record.Actor,
                Action = record.Action,
                Target = record.Target,
                Reason = record.Reason,
                Before = record.Before is null ? null : JsonSerializer.Serialize(record.Before, WireJson.Options),
                After = record.After is null ? null : JsonSerializer.Serialize(record.After, WireJson.Options),
                PreviousHash = last?.Hash ?? GenesisHash,
                Hash = "",
            };
            entry.Hash = ComputeHash(entry);
            db.AuditEntries.Add(entry);
            last = new ChainTip(entry.Id, entry.Hash);
        }
    }

    /// <summary>Recomputes every hash from the first entry on and names the first entry that does not fit.</summary>
    public static async Task<AuditVerification> VerifyAsync(ModerationDb db, CancellationToken ct)
    {
        var previousHash = GenesisHash;
        var expectedId = 1L;
        long checkedCount = 0;
        while (true)
        {
            var batch = await db.AuditEntries.AsNoTracking().Where(a => a.Id >= expectedId).OrderBy(a => a.Id).Take(1000).ToListAsync(ct);
            if (batch.Count == 0)
            {
                return new AuditVerification(true, checkedCount, null, null);
            }
            foreach (var entry in batch)
            {
                var problem = entry.Id != expectedId ? $"entry {expectedId} is missing"
                    : entry.PreviousHash != previousHash ? "its previous_hash does not match the entry before it"
                    : entry.Hash != ComputeHash(entry) ? "its content does not match its hash"
                    : null;
                if (problem is not null)
                {
                    return new AuditVerification(false, checkedCount, expectedId, $"Entry {expectedId}: {problem}.");
                }
                previousHash = entry.Hash;
                expectedId++;
                checkedCount++;
            }
        }
    }

    /// <summary>SHA-256 over every field, each length-prefixed so no two entries can serialise alike.</summary>
    public static string ComputeHash(AuditEntry entry)
    {
        var text = new StringBuilder();
        foreach (var field in new[]
                 {
                     entry.Id.ToString(CultureInfo.InvariantCulture),
                     entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                     entry.ExperimentId?.ToString(CultureInfo.InvariantCulture), entry.Experiment, entry.Actor, entry.Action,
                     entry.Target, entry.Reason, entry.Before, entry.After, entry.PreviousHash,
                 })
        {
            text.Append(field is null ? "-1" : field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private sealed record ChainTip(long Id, string Hash);
}
