using Moderation.AuthApi.Data;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// One transaction of the leaderboard job: reads up to a chunk of unprocessed reports, credits them, writes back the
/// clipped ones, adds all of them to the hourly totals and advances the watermark.
/// </summary>
internal static class ContributionChunk
{
    private sealed class Row
    {
        public long Id;
        public int ExperimentId;
        public required string Fingerprint;
        public long Step;
        public long Samples;
        public double SamplesPerSecond;
        public DateTimeOffset Time;
        public DateTimeOffset ReceivedAt;
        public bool WasRolledBack;
        public bool RolledBack;
        public string? UserId;
        public TimeSpan WorkTime;
        public TimeSpan Granted;
        public long Credited;
        public bool Clipped;
    }

    private readonly record struct HourKey(int ExperimentId, string Contributor, DateTimeOffset Hour);

    /// <summary>A peer key's time budget so far (see <see cref="Data.PeerProgress"/>).</summary>
    private readonly record struct Progress(DateTimeOffset FirstReceivedAt, DateTimeOffset LastReceivedAt, double CreditedSeconds);

    private sealed class HourTotals
    {
        public bool Attributed;
        public long Credited;
        public long Claimed;
        public long RolledBack;
        public int Reports;
        public int Clipped;
        public DateTimeOffset LastSeen;
    }

    /// <returns>How many reports were read (fewer than <paramref name="size"/>: none are left up to <paramref name="high"/>).</returns>
    public static async Task<int> ProcessAsync(NpgsqlConnection connection, CreditRule rule, long high, int size, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Sql(connection, AdvisoryLocks.LeaderboardJob).ExecuteNonQueryAsync(ct);
        var watermark = await WatermarkAsync(connection, ct);
        var rows = watermark < high ? await ReadAsync(connection, watermark, high, size, ct) : [];
        if (rows.Count > 0)
        {
            var experiments = rows.Select(r => r.ExperimentId).Distinct().ToArray();
            var keys = rows.Select(r => (r.ExperimentId, r.Fingerprint)).Distinct().ToArray();
            var progress = await ProgressAsync(connection, keys, ct);
            var rollbacks = await RollbacksAsync(connection, experiments, ct);
            var centres = await CentresAsync(connection, experiments, ct);
            Credit(rows, rule, progress, rollbacks, centres);
            await WriteReportsAsync(connection, rows, ct);
            await WriteHoursAsync(connection, rows, ct);
            await WriteProgressAsync(connection, progress, ct);
            await WriteCentresAsync(connection, experiments, centres, ct);
        }
        var reached = rows.Count < size ? Math.Max(high, watermark) : rows[^1].Id;
        var advance = Sql(connection, "UPDATE contribution_watermarks SET last_report_id = @id WHERE id = 1");
        advance.Parameters.Add(new NpgsqlParameter<long>("id", reached));
        await advance.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return rows.Count;
    }

    /// <summary>The id of the last report the leaderboard job processed.</summary>
    public static async Task<long> WatermarkAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = Sql(connection, "SELECT last_report_id FROM contribution_watermarks WHERE id = 1");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static void Credit(
        List<Row> rows, CreditRule rule, Dictionary<(int, string), Progress> progress,
        Dictionary<int, List<(long Step, DateTimeOffset FinishedAt)>> rollbacks, Dictionary<int, double?> centres)
    {
        foreach (var peer in rows.GroupBy(r => (r.ExperimentId, r.Fingerprint)))
        {
            var known = progress.TryGetValue(peer.Key, out var p) ? p : (Progress?)null;
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
            progress[peer.Key] = new Progress(first, last, used);
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

    private static async Task<List<Row>> ReadAsync(NpgsqlConnection connection, long after, long high, int size, CancellationToken ct)
    {
        var command = Sql(connection, """
            SELECT id, experiment_id, peer_key_fingerprint, step, samples, samples_per_second, "time", rolled_back, user_id, received_at
            FROM contribution_reports WHERE id > @after AND id <= @high ORDER BY id LIMIT @size
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        command.Parameters.Add(new NpgsqlParameter<long>("high", high));
        command.Parameters.Add(new NpgsqlParameter<int>("size", size));
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Row
            {
                Id = reader.GetInt64(0),
                ExperimentId = reader.GetInt32(1),
                Fingerprint = reader.GetString(2),
                Step = reader.GetInt64(3),
                Samples = reader.GetInt64(4),
                SamplesPerSecond = reader.GetDouble(5),
                Time = reader.GetFieldValue<DateTimeOffset>(6),
                RolledBack = reader.GetBoolean(7),
                WasRolledBack = reader.GetBoolean(7),
                UserId = reader.IsDBNull(8) ? null : reader.GetString(8),
                ReceivedAt = reader.GetFieldValue<DateTimeOffset>(9),
            });
        }
        return rows;
    }

    private static async Task<Dictionary<(int, string), Progress>> ProgressAsync(NpgsqlConnection connection, (int, string)[] keys, CancellationToken ct)
    {
        var command = Sql(connection, """
            SELECT p.experiment_id, p.peer_key_fingerprint, p.first_received_at, p.last_received_at, p.credited_seconds
            FROM peer_progress p JOIN unnest(@experiments, @fingerprints) AS k(experiment_id, fingerprint)
              ON p.experiment_id = k.experiment_id AND p.peer_key_fingerprint = k.fingerprint
            """);
        AddKeys(command, keys);
        var progress = new Dictionary<(int, string), Progress>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            progress[(reader.GetInt32(0), reader.GetString(1))] =
                new Progress(reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetDouble(4));
        }
        return progress;
    }

    private static async Task<Dictionary<int, List<(long Step, DateTimeOffset FinishedAt)>>> RollbacksAsync(
        NpgsqlConnection connection, int[] experiments, CancellationToken ct)
    {
        var command = Sql(connection, """
            SELECT r.experiment_id, c.step, r.finished_at FROM rollbacks r JOIN checkpoints c ON c.id = r.checkpoint_id
            WHERE r.status = 'Succeeded' AND r.experiment_id = ANY(@experiments)
            """);
        command.Parameters.Add(new NpgsqlParameter<int[]>("experiments", experiments));
        var rollbacks = new Dictionary<int, List<(long, DateTimeOffset)>>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var experiment = reader.GetInt32(0);
            if (!rollbacks.TryGetValue(experiment, out var list))
            {
                rollbacks[experiment] = list = [];
            }
            list.Add((reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }
        return rollbacks;
    }

    private static async Task<Dictionary<int, double?>> CentresAsync(NpgsqlConnection connection, int[] experiments, CancellationToken ct)
    {
        var command = Sql(connection, "SELECT experiment_id, centre_samples_per_second FROM leaderboard_states WHERE experiment_id = ANY(@experiments)");
        command.Parameters.Add(new NpgsqlParameter<int[]>("experiments", experiments));
        var centres = experiments.ToDictionary(e => e, _ => (double?)null);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            centres[reader.GetInt32(0)] = reader.IsDBNull(1) ? null : reader.GetDouble(1);
        }
        return centres;
    }

    /// <summary>
    /// Writes back only what differs from a report as stored: clipped credit, and reports this run found rolled back.
    /// Most reports are credited as claimed and are not written at all (their credit is their samples).
    /// </summary>
    private static async Task WriteReportsAsync(NpgsqlConnection connection, List<Row> rows, CancellationToken ct)
    {
        var changed = rows.Where(r => r.Clipped || r.RolledBack != r.WasRolledBack).ToList();
        if (changed.Count == 0)
        {
            return;
        }
        var command = Sql(connection, """
            UPDATE contribution_reports r
            SET credited_samples = u.credited, clipped = u.clipped, rolled_back = u.rolled_back
            FROM unnest(@ids, @credited, @clipped, @rolled_back) AS u(id, credited, clipped, rolled_back)
            WHERE r.id = u.id
            """);
        rows = changed;
        command.Parameters.Add(new NpgsqlParameter<long[]>("ids", rows.Select(r => r.Id).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("credited", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
        {
            Value = rows.Select(r => r.Clipped ? r.Credited : (long?)null).ToArray(),
        });
        command.Parameters.Add(new NpgsqlParameter<bool[]>("clipped", rows.Select(r => r.Clipped).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<bool[]>("rolled_back", rows.Select(r => r.RolledBack).ToArray()));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task WriteHoursAsync(NpgsqlConnection connection, List<Row> rows, CancellationToken ct)
    {
        var hours = new Dictionary<HourKey, HourTotals>();
        foreach (var row in rows)
        {
            var hour = new DateTimeOffset(row.Time.UtcTicks - row.Time.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
            var key = new HourKey(row.ExperimentId, row.UserId ?? row.Fingerprint, hour);
            if (!hours.TryGetValue(key, out var totals))
            {
                hours[key] = totals = new HourTotals { Attributed = row.UserId is not null, LastSeen = row.Time };
            }
            totals.Claimed += row.Samples;
            if (row.RolledBack)
            {
                totals.RolledBack += row.Credited;
            }
            else
            {
                totals.Credited += row.Credited;
                totals.Reports++;
                totals.Clipped += row.Clipped ? 1 : 0;
            }
            if (row.Time > totals.LastSeen)
            {
                totals.LastSeen = row.Time;
            }
        }
        var command = Sql(connection, """
            INSERT INTO contribution_hours
                (experiment_id, contributor, hour, attributed, credited_samples, claimed_samples, rolled_back_samples, reports, clipped_reports, last_seen)
            SELECT * FROM unnest(@experiments, @contributors, @hours, @attributed, @credited, @claimed, @rolled_back, @reports, @clipped, @last_seen)
            ON CONFLICT (experiment_id, contributor, hour) DO UPDATE SET
                credited_samples = contribution_hours.credited_samples + excluded.credited_samples,
                claimed_samples = contribution_hours.claimed_samples + excluded.claimed_samples,
                rolled_back_samples = contribution_hours.rolled_back_samples + excluded.rolled_back_samples,
                reports = contribution_hours.reports + excluded.reports,
                clipped_reports = contribution_hours.clipped_reports + excluded.clipped_reports,
                last_seen = greatest(contribution_hours.last_seen, excluded.last_seen)
            """);
        var list = hours.ToList();
        command.Parameters.Add(new NpgsqlParameter<int[]>("experiments", list.Select(h => h.Key.ExperimentId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("contributors", list.Select(h => h.Key.Contributor).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("hours", list.Select(h => h.Key.Hour).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<bool[]>("attributed", list.Select(h => h.Value.Attributed).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("credited", list.Select(h => h.Value.Credited).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("claimed", list.Select(h => h.Value.Claimed).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<long[]>("rolled_back", list.Select(h => h.Value.RolledBack).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<int[]>("reports", list.Select(h => h.Value.Reports).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<int[]>("clipped", list.Select(h => h.Value.Clipped).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("last_seen", list.Select(h => h.Value.LastSeen).ToArray()));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task WriteProgressAsync(NpgsqlConnection connection, Dictionary<(int, string), Progress> progress, CancellationToken ct)
    {
        // The values are final: they were read and advanced under the job's lock.
        var command = Sql(connection, """
            INSERT INTO peer_progress (experiment_id, peer_key_fingerprint, first_received_at, last_received_at, credited_seconds)
            SELECT * FROM unnest(@experiments, @fingerprints, @first, @last, @credited)
            ON CONFLICT (experiment_id, peer_key_fingerprint) DO UPDATE SET
                first_received_at = excluded.first_received_at, last_received_at = excluded.last_received_at,
                credited_seconds = excluded.credited_seconds
            """);
        var list = progress.ToList();
        AddKeys(command, list.Select(l => l.Key).ToArray());
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("first", list.Select(l => l.Value.FirstReceivedAt).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("last", list.Select(l => l.Value.LastReceivedAt).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<double[]>("credited", list.Select(l => l.Value.CreditedSeconds).ToArray()));
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task WriteCentresAsync(NpgsqlConnection connection, int[] experiments, Dictionary<int, double?> centres, CancellationToken ct)
    {
        var command = Sql(connection, """
            INSERT INTO leaderboard_states (experiment_id, centre_samples_per_second)
            SELECT * FROM unnest(@experiments, @centres)
            ON CONFLICT (experiment_id) DO UPDATE SET centre_samples_per_second = coalesce(excluded.centre_samples_per_second, leaderboard_states.centre_samples_per_second)
            """);
        command.Parameters.Add(new NpgsqlParameter<int[]>("experiments", experiments));
        command.Parameters.Add(new NpgsqlParameter("centres", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = experiments.Select(e => centres[e]).ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddKeys(NpgsqlCommand command, (int ExperimentId, string Fingerprint)[] keys)
    {
        command.Parameters.Add(new NpgsqlParameter<int[]>("experiments", keys.Select(k => k.ExperimentId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("fingerprints", keys.Select(k => k.Fingerprint).ToArray()));
    }

    private static NpgsqlCommand Sql(NpgsqlConnection connection, string sql) => new(sql, connection);
}
