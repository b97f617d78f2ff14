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
            var accounts = rows.Where(r => r.UserId is not null).Select(r => (r.ExperimentId, r.UserId!)).Distinct().ToArray();
            var headStarts = await store.HeadStartsAsync(connection, accounts, ct);
            var rollbacks = await store.RollbacksAsync(connection, experiments, ct);
            var centres = await store.CentresAsync(connection, experiments, ct);
            Credit(rows, rule, progress, headStarts, rollbacks, centres);
            await store.WriteReportsAsync(connection, rows, ct);
            await store.WriteHoursAsync(connection, rows, ct);
            await store.WriteProgressAsync(connection, progress, ct);
            await store.WriteHeadStartsAsync(connection, headStarts, ct);
            await store.WriteCentresAsync(connection, experiments, centres, ct);
        }
        var reached = rows.Count < size ? Math.Max(high, watermark) : rows[^1].Id;
        await store.AdvanceWatermarkAsync(connection, reached, ct);
        await transaction.CommitAsync(ct);
        return rows.Count;
    }

    private static void Credit(
        List<ChunkRow> rows, CreditRule rule, Dictionary<(int, string), PeerBudget> progress, Dictionary<(int, string), HeadStart> headStarts,
        Dictionary<int, List<(long Step, DateTimeOffset FinishedAt)>> rollbacks, Dictionary<int, double?> centres)
    {
        // Each key's span as far as this chunk shows it (receipts in any order stretch it alike).
        foreach (var peer in rows.GroupBy(r => (r.ExperimentId, r.Fingerprint)))
        {
            var known = progress.TryGetValue(peer.Key, out var p) ? p : (PeerBudget?)null;
            var latest = peer.Max(r => r.ReceivedAt);
            progress[peer.Key] = new PeerBudget(known?.FirstReceivedAt ?? peer.Min(r => r.ReceivedAt),
                known is { } k && k.LastReceivedAt > latest ? k.LastReceivedAt : latest, known?.CreditedSeconds ?? 0, known?.HeadStartSeconds ?? 0);
        }
        // Work time is granted in the order reports arrived, account by account: the account's keys share its head start.
        foreach (var account in rows.GroupBy(r => (r.ExperimentId, r.UserId)))
        {
            foreach (var row in account.OrderBy(r => r.Id))
            {
                var key = (row.ExperimentId, row.Fingerprint);
                var budget = progress[key];
                row.WorkTime = rule.WorkTime(row.Samples, row.SamplesPerSecond);
                var own = rule.Budget(budget.FirstReceivedAt, budget.LastReceivedAt, budget.CreditedSeconds, budget.HeadStartSeconds);
                row.Granted = row.WorkTime < own ? row.WorkTime : own;
                var drawn = 0.0;
                if (row.Granted < row.WorkTime)
                {
                    // What its span does not cover comes out of the head start: its account's, or its own when unattributed.
                    var cap = rule.HeadStartCap(budget.HeadStartSeconds);
                    HeadStart? allowance = null;
                    if (row.UserId is { } user)
                    {
                        allowance = rule.Refill(headStarts.TryGetValue((row.ExperimentId, user), out var h) ? h : null, row.ReceivedAt);
                        cap = Math.Min(cap, allowance.Value.Seconds);
                    }
                    drawn = Math.Min(cap, (row.WorkTime - row.Granted).TotalSeconds);
                    row.Granted += TimeSpan.FromSeconds(drawn);
                    if (allowance is { } a)
                    {
                        headStarts[(row.ExperimentId, row.UserId!)] = a with { Seconds = a.Seconds - drawn };
                    }
                }
                progress[key] = budget with
                {
                    CreditedSeconds = budget.CreditedSeconds + row.Granted.TotalSeconds, HeadStartSeconds = budget.HeadStartSeconds + drawn,
                };
                // A report after a rollback's target step but from before the rollback is part of what it undid
                // (for example a batch re-sent after the rollback).
                row.RolledBack |= rollbacks.TryGetValue(row.ExperimentId, out var undone)
                                  && undone.Any(u => row.Step > u.Step && row.Time < u.FinishedAt);
            }
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
