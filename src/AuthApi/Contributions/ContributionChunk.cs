using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// One transaction of the leaderboard job: reads up to a chunk of unprocessed reports, credits them, writes back the
/// clipped ones, adds all of them to the hourly totals and advances the watermark.
/// </summary>
internal static class ContributionChunk
{
    /// <returns>How many reports were read (fewer than <paramref name="size"/>: none are left up to <paramref name="high"/>).</returns>
    public static async Task<int> ProcessAsync(NpgsqlConnection connection, ChunkStore store, CreditRule rule, long high, int size, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(AdvisoryLocks.LeaderboardJob, ct);
        var watermark = await store.WatermarkAsync(connection, ct);
        var rows = watermark < high ? await store.ReadAsync(connection, watermark, high, size, ct) : [];
        if (rows.Count > 0)
        {
            var experiments = rows.Select(r => r.ExperimentId).Distinct().ToArray();
            var keys = rows.Select(r => (r.ExperimentId, r.Fingerprint)).Distinct().ToArray();
            var progress = await store.ProgressAsync(connection, keys, ct);
            var rollbacks = await store.RollbacksAsync(connection, experiments, ct);
            var centres = await store.CentresAsync(connection, experiments, ct);
            Credit(rows, rule, progress, rollbacks, centres);
            await store.WriteReportsAsync(connection, rows, ct);
            await store.WriteHoursAsync(connection, rows, ct);
            await store.WriteProgressAsync(connection, progress, ct);
            await store.WriteCentresAsync(connection, experiments, centres, ct);
        }
        var reached = rows.Count < size ? Math.Max(high, watermark) : rows[^1].Id;
        await store.AdvanceWatermarkAsync(connection, reached, ct);
        await transaction.CommitAsync(ct);
        return rows.Count;
    }

    private static void Credit(
        List<ChunkRow> rows, CreditRule rule, Dictionary<(int, string), PeerBudget> progress,
        Dictionary<int, List<(long Step, DateTimeOffset FinishedAt)>> rollbacks, Dictionary<int, double?> centres)
    {
        foreach (var peer in rows.GroupBy(r => (r.ExperimentId, r.Fingerprint)))
        {
            var known = progress.TryGetValue(peer.Key, out var p) ? p : (PeerBudget?)null;
            var first = known?.FirstReceivedAt ?? peer.Min(r => r.ReceivedAt);
            var latest = peer.Max(r => r.ReceivedAt);
            var last = known is { } k && k.LastReceivedAt > latest ? k.LastReceivedAt : latest;
            var used = known?.CreditedSeconds ?? 0;
            // Work time is granted from the peer's budget in the order reports arrived.
            foreach (var row in peer.OrderBy(r => r.Id))
            {
                row.WorkTime = rule.WorkTime(row.Samples, row.SamplesPerSecond);
                var budget = rule.Budget(first, last, used);
                row.Granted = row.WorkTime < budget ? row.WorkTime : budget;
                used += row.Granted.TotalSeconds;
                // A report after a rollback's target step but from before the rollback is part of what it undid
                // (for example a batch re-sent after the rollback).
                row.RolledBack |= rollbacks.TryGetValue(row.ExperimentId, out var undone)
                                  && undone.Any(u => row.Step > u.Step && row.Time < u.FinishedAt);
            }
            progress[peer.Key] = new PeerBudget(first, last, used);
        }

        foreach (var step in rows.GroupBy(r => (r.ExperimentId, r.Step)).OrderBy(g => g.Key.Step))
        {
            var rates = step.Where(r => r.WorkTime > TimeSpan.Zero).Select(r => r.Samples / r.WorkTime.TotalSeconds).ToList();
            var own = rule.Centre(rates);
            if (own is not null)
            {
                centres[step.Key.ExperimentId] = own;
            }
            var centre = own ?? centres.GetValueOrDefault(step.Key.ExperimentId);
            foreach (var row in step)
            {
                row.Credited = rule.Credit(row.Samples, row.WorkTime, row.Granted, centre);
                row.Clipped = row.Credited < row.Samples;
            }
        }
    }
}
