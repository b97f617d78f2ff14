using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Contributions;

/// <summary>What one leaderboard-job chunk reads and writes, each statement set-based (arrays through <c>unnest</c>).</summary>
internal static class ChunkStore
{
    public static async Task<List<ChunkRow>> ReadAsync(NpgsqlConnection connection, long after, long high, int size, CancellationToken ct)
    {
        await using var command = Sql(connection, """
            SELECT id, experiment_id, peer_key_fingerprint, step, samples, samples_per_second, "time", rolled_back, user_id, received_at
            FROM contribution_reports WHERE id > @after AND id <= @high ORDER BY id LIMIT @size
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("after", after));
        command.Parameters.Add(new NpgsqlParameter<long>("high", high));
        command.Parameters.Add(new NpgsqlParameter<int>("size", size));
        var rows = new List<ChunkRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new ChunkRow
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

    public static async Task<Dictionary<(int, string), PeerBudget>> ProgressAsync(NpgsqlConnection connection, (int, string)[] keys, CancellationToken ct)
    {
        await using var command = Sql(connection, """
            SELECT p.experiment_id, p.peer_key_fingerprint, p.first_received_at, p.last_received_at, p.credited_seconds
            FROM peer_progress p JOIN unnest(@experiments, @fingerprints) AS k(experiment_id, fingerprint)
              ON p.experiment_id = k.experiment_id AND p.peer_key_fingerprint = k.fingerprint
            """);
        AddKeys(command, keys);
        var progress = new Dictionary<(int, string), PeerBudget>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            progress[(reader.GetInt32(0), reader.GetString(1))] =
                new PeerBudget(reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetDouble(4));
        }
        return progress;
    }

    public static async Task<Dictionary<int, List<(long Step, DateTimeOffset FinishedAt)>>> RollbacksAsync(
        NpgsqlConnection connection, int[] experiments, CancellationToken ct)
    {
        await using var command = Sql(connection, """
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

    public static async Task<Dictionary<int, double?>> CentresAsync(NpgsqlConnection connection, int[] experiments, CancellationToken ct)
    {
        await using var command = Sql(connection, "SELECT experiment_id, centre_samples_per_second FROM leaderboard_states WHERE experiment_id = ANY(@experiments)");
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
    public static async Task WriteReportsAsync(NpgsqlConnection connection, List<ChunkRow> rows, CancellationToken ct)
    {
        var changed = rows.Where(r => r.Clipped || r.RolledBack != r.WasRolledBack).ToList();
        if (changed.Count == 0)
        {
            return;
        }
        await using var command = Sql(connection, """
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

    public static async Task WriteHoursAsync(NpgsqlConnection connection, List<ChunkRow> rows, CancellationToken ct)
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
        await using var command = Sql(connection, """
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

    public static async Task WriteProgressAsync(NpgsqlConnection connection, Dictionary<(int, string), PeerBudget> progress, CancellationToken ct)
    {
        // The values are final: they were read and advanced under the job's lock.
        await using var command = Sql(connection, """
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

    public static async Task WriteCentresAsync(NpgsqlConnection connection, int[] experiments, Dictionary<int, double?> centres, CancellationToken ct)
    {
        await using var command = Sql(connection, """
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

    private readonly record struct HourKey(int ExperimentId, string Contributor, DateTimeOffset Hour);

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
}
