using Moderation.AuthApi.Data;
using Moderation.Contracts.Contributions;
using Npgsql;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// Rebuilds experiments' leaderboard windows from their hourly totals. Ranked: attributed, not banned, credited
/// something — by credited samples. Banned users and unattributed peer keys are listed after them without a rank.
/// An experiment is rebuilt when something it shows may have changed: new reports, a ban made, lifted or expired, a
/// rollback finished, or a new hour (the windows move); or on demand.
/// </summary>
internal static class LeaderboardBuilder
{
    private const string Rebuild = """
        DELETE FROM leaderboard_entries WHERE experiment_id = @experiment AND time_window = @window;
        INSERT INTO leaderboard_entries
            (experiment_id, time_window, position, rank, contributor, attributed, banned, credited_samples, claimed_samples,
             rolled_back_samples, active_hours, steps, clipped_reports, last_seen)
        SELECT @experiment, @window,
               row_number() OVER (ORDER BY s.ranked DESC, s.credited DESC, s.contributor),
               CASE WHEN s.ranked THEN row_number() OVER (PARTITION BY s.ranked ORDER BY s.credited DESC, s.contributor) END,
               s.contributor, s.attributed, s.banned, s.credited, s.claimed, s.rolled_back, s.active_hours, s.steps, s.clipped, s.last_seen
        FROM (
            SELECT t.*, t.attributed AND NOT t.banned AND t.credited > 0 AS ranked
            FROM (
                SELECT h.contributor, bool_or(h.attributed) AS attributed,
                       sum(h.credited_samples) AS credited, sum(h.claimed_samples) AS claimed, sum(h.rolled_back_samples) AS rolled_back,
                       count(*) FILTER (WHERE h.reports > 0)::int AS active_hours, sum(h.reports)::int AS steps,
                       sum(h.clipped_reports)::int AS clipped, max(h.last_seen) AS last_seen,
                       EXISTS (SELECT 1 FROM bans b
                               WHERE b.user_id = h.contributor AND (b.experiment_id = @experiment OR b.experiment_id IS NULL)
                                 AND b.lifted_at IS NULL AND (b.expires_at IS NULL OR b.expires_at > @now)) AS banned
                FROM contribution_hours h
                WHERE h.experiment_id = @experiment AND (@since::timestamptz IS NULL OR h.hour >= @since)
                GROUP BY h.contributor
            ) t
        ) s;
        """;

    private const string Stale = """
        SELECT s.experiment_id FROM leaderboard_states s
        WHERE @all OR s.built_at IS NULL
           OR date_trunc('hour', s.built_at, 'UTC') <> date_trunc('hour', @now, 'UTC')
           OR EXISTS (SELECT 1 FROM contribution_reports r
                      WHERE r.id > @processed_after AND r.id <= @processed_to AND r.experiment_id = s.experiment_id)
           -- A minute's margin: a change stamped just before a build may have committed just after it read.
           OR EXISTS (SELECT 1 FROM bans b
                      WHERE (b.experiment_id = s.experiment_id OR b.experiment_id IS NULL)
                        AND (b.created_at > s.built_at - interval '1 minute' OR b.lifted_at > s.built_at - interval '1 minute'
                             OR (b.expires_at > s.built_at - interval '1 minute' AND b.expires_at <= @now)))
           OR EXISTS (SELECT 1 FROM rollbacks r WHERE r.experiment_id = s.experiment_id AND r.finished_at > s.built_at - interval '1 minute')
        ORDER BY s.experiment_id
        """;

    /// <param name="all">Rebuild every experiment, changed or not.</param>
    /// <param name="processedAfter">With <paramref name="processedTo"/>: the ids of the reports this run processed.</param>
    /// <returns>How many experiments were rebuilt.</returns>
    public static async Task<int> RebuildAsync(
        NpgsqlConnection connection, DateTimeOffset now, bool all, long processedAfter, long processedTo, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var jobLock = new NpgsqlCommand(AdvisoryLocks.LeaderboardJob, connection))
        {
            await jobLock.ExecuteNonQueryAsync(ct);
        }
        var experiments = new List<int>();
        await using (var list = new NpgsqlCommand(Stale, connection))
        {
            list.Parameters.Add(new NpgsqlParameter<bool>("all", all));
            list.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            list.Parameters.Add(new NpgsqlParameter<long>("processed_after", processedAfter));
            list.Parameters.Add(new NpgsqlParameter<long>("processed_to", processedTo));
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                experiments.Add(reader.GetInt32(0));
            }
        }
        var thisHour = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        foreach (var experiment in experiments)
        {
            foreach (var window in LeaderboardWindows.Known)
            {
                await using var rebuild = new NpgsqlCommand(Rebuild, connection);
                rebuild.Parameters.Add(new NpgsqlParameter<int>("experiment", experiment));
                rebuild.Parameters.Add(new NpgsqlParameter<string>("window", window));
                rebuild.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
                // A window covers whole hours: the current one and the ones before it, 24 or 168 in all.
                rebuild.Parameters.Add(new NpgsqlParameter("since", NpgsqlTypes.NpgsqlDbType.TimestampTz)
                {
                    Value = LeaderboardWindows.Span(window) is { } span ? thisHour - span + TimeSpan.FromHours(1) : DBNull.Value,
                });
                await rebuild.ExecuteNonQueryAsync(ct);
            }
        }
        await using (var built = new NpgsqlCommand("UPDATE leaderboard_states SET built_at = @now WHERE experiment_id = ANY(@experiments)", connection))
        {
            built.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            built.Parameters.Add(new NpgsqlParameter<int[]>("experiments", experiments.ToArray()));
            await built.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return experiments.Count;
    }
}
