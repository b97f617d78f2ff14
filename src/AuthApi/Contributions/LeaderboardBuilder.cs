using Moderation.AuthApi.Data;
using Moderation.Contracts.Contributions;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// Rebuilds experiments' leaderboard windows from their hourly totals. Ranked: attributed, not banned, credited
/// something — by credited samples. Banned users and unattributed peer keys are listed after them without a rank.
/// An experiment is rebuilt when something it shows may have changed: new reports, a ban made, lifted or expired, a
/// rollback finished, or a new hour (the windows move); or on demand. The SQL is composed once from the model's names.
/// </summary>
internal sealed class LeaderboardBuilder : ISqlStatements<LeaderboardBuilder>
{
    private readonly string _rebuild, _stale, _built;

    private LeaderboardBuilder(SqlNames names)
    {
        var e = names.Table<LeaderboardEntry>();
        var h = names.Table<ContributionHour>();
        var b = names.Table<Ban>();
        var s = names.Table<LeaderboardState>();
        var r = names.Table<Data.ContributionReport>();
        var rb = names.Table<Rollback>();
        var (experiment, window) = (e[x => x.ExperimentId], e[x => x.TimeWindow]);
        // Ban in force: not lifted, not expired (Ban.IsInForce).
        var banned = $"""
            EXISTS (SELECT 1 FROM {b} b
                    WHERE b.{b[x => x.UserId]} = h.{h[x => x.Contributor]} AND (b.{b[x => x.ExperimentId]} = @experiment OR b.{b[x => x.ExperimentId]} IS NULL)
                      AND b.{b[x => x.LiftedAt]} IS NULL AND (b.{b[x => x.ExpiresAt]} IS NULL OR b.{b[x => x.ExpiresAt]} > @now))
            """;
        _rebuild = $"""
            DELETE FROM {e} WHERE {experiment} = @experiment AND {window} = @window;
            INSERT INTO {e}
                ({e.Columns(x => x.ExperimentId, x => x.TimeWindow, x => x.Position, x => x.Rank, x => x.Contributor, x => x.Attributed, x => x.Banned,
                            x => x.CreditedSamples, x => x.ClaimedSamples, x => x.RolledBackSamples, x => x.ActiveHours, x => x.Steps,
                            x => x.ClippedReports, x => x.LastSeen)})
            SELECT @experiment, @window,
                   row_number() OVER (ORDER BY s.ranked DESC, s.credited DESC, s.contributor),
                   CASE WHEN s.ranked THEN row_number() OVER (PARTITION BY s.ranked ORDER BY s.credited DESC, s.contributor) END,
                   s.contributor, s.attributed, s.banned, s.credited, s.claimed, s.rolled_back, s.active_hours, s.steps, s.clipped, s.last_seen
            FROM (
                SELECT t.*, t.attributed AND NOT t.banned AND t.credited > 0 AS ranked
                FROM (
                    SELECT h.{h[x => x.Contributor]} AS contributor, bool_or(h.{h[x => x.Attributed]}) AS attributed,
                           sum(h.{h[x => x.CreditedSamples]}) AS credited, sum(h.{h[x => x.ClaimedSamples]}) AS claimed,
                           sum(h.{h[x => x.RolledBackSamples]}) AS rolled_back,
                           count(*) FILTER (WHERE h.{h[x => x.Reports]} > 0)::int AS active_hours, sum(h.{h[x => x.Reports]})::int AS steps,
                           sum(h.{h[x => x.ClippedReports]})::int AS clipped, max(h.{h[x => x.LastSeen]}) AS last_seen,
                           {banned} AS banned
                    FROM {h} h
                    WHERE h.{h[x => x.ExperimentId]} = @experiment AND (@since::timestamptz IS NULL OR h.{h[x => x.Hour]} >= @since)
                    GROUP BY h.{h[x => x.Contributor]}
                ) t
            ) s;
            """;
        var (state, builtAt) = (s[x => x.ExperimentId], s[x => x.BuiltAt]);
        _stale = $"""
            SELECT s.{state} FROM {s} s
            WHERE s.{state} = @forced OR s.{builtAt} IS NULL
               OR date_trunc('hour', s.{builtAt}, 'UTC') <> date_trunc('hour', @now, 'UTC')
               OR EXISTS (SELECT 1 FROM {r} r
                          WHERE r.{r[x => x.Id]} > @processed_after AND r.{r[x => x.Id]} <= @processed_to AND r.{r[x => x.ExperimentId]} = s.{state})
               -- A minute's margin: a change stamped just before a build may have committed just after it read.
               OR EXISTS (SELECT 1 FROM {b} b
                          WHERE (b.{b[x => x.ExperimentId]} = s.{state} OR b.{b[x => x.ExperimentId]} IS NULL)
                            AND (b.{b[x => x.CreatedAt]} > s.{builtAt} - interval '1 minute' OR b.{b[x => x.LiftedAt]} > s.{builtAt} - interval '1 minute'
                                 OR (b.{b[x => x.ExpiresAt]} > s.{builtAt} - interval '1 minute' AND b.{b[x => x.ExpiresAt]} <= @now)))
               OR EXISTS (SELECT 1 FROM {rb} r WHERE r.{rb[x => x.ExperimentId]} = s.{state} AND r.{rb[x => x.FinishedAt]} > s.{builtAt} - interval '1 minute')
            ORDER BY s.{state}
            """;
        _built = $"UPDATE {s} SET {builtAt} = @now WHERE {state} = ANY(@experiments)";
    }

    public static LeaderboardBuilder Build(SqlNames names) => new(names);

    /// <param name="forced">An experiment to rebuild whether or not its data changed (null: only those that changed).</param>
    /// <param name="processedAfter">With <paramref name="processedTo"/>: the ids of the reports this run processed.</param>
    /// <returns>How many experiments were rebuilt.</returns>
    public async Task<int> RebuildAsync(
        NpgsqlConnection connection, DateTimeOffset now, int? forced, long processedAfter, long processedTo, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(AdvisoryLocks.LeaderboardJob, ct);
        var experiments = new List<int>();
        await using (var list = connection.Command(_stale)
                         .With("forced", NpgsqlDbType.Integer, forced)
                         .With("now", now)
                         .With("processed_after", processedAfter)
                         .With("processed_to", processedTo))
        {
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
                // A window covers whole hours: the current one and the ones before it, 24 or 168 in all.
                var since = LeaderboardWindows.Span(window) is { } span ? thisHour - span + TimeSpan.FromHours(1) : (DateTimeOffset?)null;
                await using var rebuild = connection.Command(_rebuild)
                    .With("experiment", experiment)
                    .With("window", window)
                    .With("now", now)
                    .With("since", NpgsqlDbType.TimestampTz, since);
                await rebuild.ExecuteNonQueryAsync(ct);
            }
        }
        await using (var built = connection.Command(_built).With("now", now).With("experiments", experiments.ToArray()))
        {
            await built.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return experiments.Count;
    }
}
