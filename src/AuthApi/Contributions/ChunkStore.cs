using Moderation.AuthApi.Data;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// What one leaderboard-job chunk reads and writes, each statement set-based (arrays through <c>unnest</c>). The SQL is
/// composed once from the model's names (<see cref="SqlNames.Statements{T}"/>).
/// </summary>
internal sealed class ChunkStore : ISqlStatements<ChunkStore>
{
    private readonly string _watermark, _advanceWatermark, _lastReportId;
    private readonly string _read, _progress, _rollbacks, _centres, _writeReports, _writeHours, _writeProgress, _writeCentres;
    private readonly string _headStarts, _writeHeadStarts;

    private ChunkStore(SqlNames names)
    {
        var r = names.Table<ContributionReport>();
        var p = names.Table<PeerProgress>();
        var a = names.Table<ContributorHeadStart>();
        var b = names.Table<Rollback>();
        var c = names.Table<Checkpoint>();
        var s = names.Table<LeaderboardState>();
        var h = names.Table<ContributionHour>();
        var w = names.Table<ContributionWatermark>();
        _watermark = $"SELECT {w[x => x.LastReportId]} FROM {w} WHERE {w[x => x.Id]} = 1";
        _advanceWatermark = $"UPDATE {w} SET {w[x => x.LastReportId]} = @id WHERE {w[x => x.Id]} = 1";
        _lastReportId = $"SELECT coalesce(max({r[x => x.Id]}), 0) FROM {r}";
        _read = $"""
            SELECT {r.Columns(x => x.Id, x => x.ExperimentId, x => x.PeerKeyFingerprint, x => x.Step, x => x.Samples, x => x.SamplesPerSecond,
                              x => x.Time, x => x.RolledBack, x => x.UserId, x => x.ReceivedAt)}
            FROM {r} WHERE {r[x => x.Id]} > @after AND {r[x => x.Id]} <= @high ORDER BY {r[x => x.Id]} LIMIT @size
            """;
        _progress = $"""
            SELECT {p.Columns(x => x.ExperimentId, x => x.PeerKeyFingerprint, x => x.FirstReceivedAt, x => x.LastReceivedAt, x => x.CreditedSeconds,
                              x => x.HeadStartSeconds)}
            FROM {p} JOIN unnest(@experiments, @fingerprints) AS k(experiment, fingerprint)
              ON {p}.{p[x => x.ExperimentId]} = k.experiment AND {p}.{p[x => x.PeerKeyFingerprint]} = k.fingerprint
            """;
        _rollbacks = $"""
            SELECT {b}.{b[x => x.ExperimentId]}, {c}.{c[x => x.Step]}, {b}.{b[x => x.FinishedAt]}
            FROM {b} JOIN {c} ON {c}.{c[x => x.Id]} = {b}.{b[x => x.CheckpointId]}
            WHERE {b}.{b[x => x.Status]} = '{RollbackStatus.Succeeded}' AND {b}.{b[x => x.ExperimentId]} = ANY(@experiments)
            """;
        _centres = $"SELECT {s.Columns(x => x.ExperimentId, x => x.CentreSamplesPerSecond)} FROM {s} WHERE {s[x => x.ExperimentId]} = ANY(@experiments)";
        _writeReports = $"""
            UPDATE {r} SET {r[x => x.CreditedSamples]} = u.credited, {r[x => x.Clipped]} = u.clipped, {r[x => x.RolledBack]} = u.rolled_back
            FROM unnest(@ids, @credited, @clipped, @rolled_back) AS u(id, credited, clipped, rolled_back)
            WHERE {r}.{r[x => x.Id]} = u.id
            """;
        string Add(string column) => $"{column} = {h}.{column} + excluded.{column}";
        _writeHours = $"""
            INSERT INTO {h} ({h.Columns(x => x.ExperimentId, x => x.Contributor, x => x.Hour, x => x.Attributed, x => x.CreditedSamples,
                                        x => x.ClaimedSamples, x => x.RolledBackSamples, x => x.Reports, x => x.ClippedReports, x => x.LastSeen)})
            SELECT * FROM unnest(@experiments, @contributors, @hours, @attributed, @credited, @claimed, @rolled_back, @reports, @clipped, @last_seen)
            ON CONFLICT ({h.Columns(x => x.ExperimentId, x => x.Contributor, x => x.Hour)}) DO UPDATE SET
                {Add(h[x => x.CreditedSamples])}, {Add(h[x => x.ClaimedSamples])}, {Add(h[x => x.RolledBackSamples])},
                {Add(h[x => x.Reports])}, {Add(h[x => x.ClippedReports])},
                {h[x => x.LastSeen]} = greatest({h}.{h[x => x.LastSeen]}, excluded.{h[x => x.LastSeen]})
            """;
        _writeProgress = $"""
            INSERT INTO {p} ({p.Columns(x => x.ExperimentId, x => x.PeerKeyFingerprint, x => x.FirstReceivedAt, x => x.LastReceivedAt, x => x.CreditedSeconds,
                                        x => x.HeadStartSeconds)})
            SELECT * FROM unnest(@experiments, @fingerprints, @first, @last, @credited, @head_start)
            ON CONFLICT ({p.Columns(x => x.ExperimentId, x => x.PeerKeyFingerprint)}) DO UPDATE SET
                {p[x => x.FirstReceivedAt]} = excluded.{p[x => x.FirstReceivedAt]}, {p[x => x.LastReceivedAt]} = excluded.{p[x => x.LastReceivedAt]},
                {p[x => x.CreditedSeconds]} = excluded.{p[x => x.CreditedSeconds]}, {p[x => x.HeadStartSeconds]} = excluded.{p[x => x.HeadStartSeconds]}
            """;
        _headStarts = $"""
            SELECT {a.Columns(x => x.ExperimentId, x => x.Contributor, x => x.Seconds, x => x.At)}
            FROM {a} JOIN unnest(@experiments, @contributors) AS k(wanted_experiment, wanted_contributor)
              ON {a}.{a[x => x.ExperimentId]} = k.wanted_experiment AND {a}.{a[x => x.Contributor]} = k.wanted_contributor
            """;
        _writeHeadStarts = $"""
            INSERT INTO {a} ({a.Columns(x => x.ExperimentId, x => x.Contributor, x => x.Seconds, x => x.At)})
            SELECT * FROM unnest(@experiments, @contributors, @seconds, @at)
            ON CONFLICT ({a.Columns(x => x.ExperimentId, x => x.Contributor)}) DO UPDATE SET
                {a[x => x.Seconds]} = excluded.{a[x => x.Seconds]}, {a[x => x.At]} = excluded.{a[x => x.At]}
            """;
        var centre = s[x => x.CentreSamplesPerSecond];
        _writeCentres = $"""
            INSERT INTO {s} ({s.Columns(x => x.ExperimentId, x => x.CentreSamplesPerSecond)})
            SELECT * FROM unnest(@experiments, @centres)
            ON CONFLICT ({s[x => x.ExperimentId]}) DO UPDATE SET {centre} = coalesce(excluded.{centre}, {s}.{centre})
            """;
    }

    public static ChunkStore Build(SqlNames names) => new(names);

    /// <summary>The id of the last report the leaderboard job processed.</summary>
    public async Task<long> WatermarkAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = connection.Command(_watermark);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task AdvanceWatermarkAsync(NpgsqlConnection connection, long reached, CancellationToken ct)
    {
        await using var command = connection.Command(_advanceWatermark).With("id", reached);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The highest report id stored (0 when none is).</summary>
    public async Task<long> LastReportIdAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = connection.Command(_lastReportId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<List<ChunkRow>> ReadAsync(NpgsqlConnection connection, long after, long high, int size, CancellationToken ct)
    {
        await using var command = connection.Command(_read).With("after", after).With("high", high).With("size", size);
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

    public async Task<Dictionary<(int, string), PeerBudget>> ProgressAsync(NpgsqlConnection connection, (int, string)[] keys, CancellationToken ct)
    {
        await using var command = WithKeys(connection.Command(_progress), keys);
        var progress = new Dictionary<(int, string), PeerBudget>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            progress[(reader.GetInt32(0), reader.GetString(1))] =
                new PeerBudget(reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetDouble(4), reader.GetDouble(5));
        }
        return progress;
    }

    public async Task<Dictionary<int, List<(long Step, DateTimeOffset FinishedAt)>>> RollbacksAsync(
        NpgsqlConnection connection, int[] experiments, CancellationToken ct)
    {
        await using var command = connection.Command(_rollbacks).With("experiments", experiments);
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

    public async Task<Dictionary<int, double?>> CentresAsync(NpgsqlConnection connection, int[] experiments, CancellationToken ct)
    {
        await using var command = connection.Command(_centres).With("experiments", experiments);
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
    public async Task WriteReportsAsync(NpgsqlConnection connection, List<ChunkRow> rows, CancellationToken ct)
    {
        var changed = rows.Where(r => r.Clipped || r.RolledBack != r.WasRolledBack).ToList();
        if (changed.Count == 0)
        {
            return;
        }
        await using var command = connection.Command(_writeReports)
            .With("ids", changed.Select(r => r.Id).ToArray())
            .With("credited", NpgsqlDbType.Array | NpgsqlDbType.Bigint, changed.Select(r => r.Clipped ? r.Credited : (long?)null).ToArray())
            .With("clipped", changed.Select(r => r.Clipped).ToArray())
            .With("rolled_back", changed.Select(r => r.RolledBack).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task WriteHoursAsync(NpgsqlConnection connection, List<ChunkRow> rows, CancellationToken ct)
    {
        var hours = HourTotals.Of(rows).ToList();
        await using var command = connection.Command(_writeHours)
            .With("experiments", hours.Select(h => h.Key.ExperimentId).ToArray())
            .With("contributors", hours.Select(h => h.Key.Contributor).ToArray())
            .With("hours", hours.Select(h => h.Key.Hour).ToArray())
            .With("attributed", hours.Select(h => h.Value.Attributed).ToArray())
            .With("credited", hours.Select(h => h.Value.Credited).ToArray())
            .With("claimed", hours.Select(h => h.Value.Claimed).ToArray())
            .With("rolled_back", hours.Select(h => h.Value.RolledBack).ToArray())
            .With("reports", hours.Select(h => h.Value.Reports).ToArray())
            .With("clipped", hours.Select(h => h.Value.Clipped).ToArray())
            .With("last_seen", hours.Select(h => h.Value.LastSeen).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task WriteProgressAsync(NpgsqlConnection connection, Dictionary<(int, string), PeerBudget> progress, CancellationToken ct)
    {
        // The values are final: they were read and advanced under the job's lock.
        var list = progress.ToList();
        await using var command = WithKeys(connection.Command(_writeProgress), list.Select(l => l.Key).ToArray())
            .With("first", list.Select(l => l.Value.FirstReceivedAt).ToArray())
            .With("last", list.Select(l => l.Value.LastReceivedAt).ToArray())
            .With("credited", list.Select(l => l.Value.CreditedSeconds).ToArray())
            .With("head_start", list.Select(l => l.Value.HeadStartSeconds).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<Dictionary<(int, string), HeadStart>> HeadStartsAsync(NpgsqlConnection connection, (int, string)[] accounts, CancellationToken ct)
    {
        var headStarts = new Dictionary<(int, string), HeadStart>();
        if (accounts.Length == 0)
        {
            return headStarts;
        }
        await using var command = connection.Command(_headStarts)
            .With("experiments", accounts.Select(k => k.Item1).ToArray())
            .With("contributors", accounts.Select(k => k.Item2).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            headStarts[(reader.GetInt32(0), reader.GetString(1))] = new HeadStart(reader.GetDouble(2), reader.GetFieldValue<DateTimeOffset>(3));
        }
        return headStarts;
    }

    public async Task WriteHeadStartsAsync(NpgsqlConnection connection, Dictionary<(int, string), HeadStart> headStarts, CancellationToken ct)
    {
        if (headStarts.Count == 0)
        {
            return;
        }
        var list = headStarts.ToList();
        await using var command = connection.Command(_writeHeadStarts)
            .With("experiments", list.Select(l => l.Key.Item1).ToArray())
            .With("contributors", list.Select(l => l.Key.Item2).ToArray())
            .With("seconds", list.Select(l => l.Value.Seconds).ToArray())
            .With("at", list.Select(l => l.Value.At).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task WriteCentresAsync(NpgsqlConnection connection, int[] experiments, Dictionary<int, double?> centres, CancellationToken ct)
    {
        await using var command = connection.Command(_writeCentres)
            .With("experiments", experiments)
            .With("centres", NpgsqlDbType.Array | NpgsqlDbType.Double, experiments.Select(e => centres[e]).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlCommand WithKeys(NpgsqlCommand command, (int ExperimentId, string Fingerprint)[] keys) => command
        .With("experiments", keys.Select(k => k.ExperimentId).ToArray())
        .With("fingerprints", keys.Select(k => k.Fingerprint).ToArray());
}
