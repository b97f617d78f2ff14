using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// What a rollback does to contributions: every live report after the target step is marked rolled back, and what
/// the leaderboard had credited for it moves from credited to rolled-back samples in the hourly totals.
/// </summary>
public sealed class RolledBackContributions : ISqlStatements<RolledBackContributions>
{
    private readonly string _mark;

    private RolledBackContributions(SqlNames names)
    {
        var r = names.Table<ContributionReport>();
        var w = names.Table<ContributionWatermark>();
        var h = names.Table<ContributionHour>();
        var (credited, rolledBack, reports) = (h[x => x.CreditedSamples], h[x => x.RolledBackSamples], h[x => x.Reports]);
        _mark = $"""
            WITH marked AS (
                UPDATE {r} SET {r[x => x.RolledBack]} = true
                WHERE {r[x => x.ExperimentId]} = @experiment AND {r[x => x.Step]} > @step AND NOT {r[x => x.RolledBack]}
                RETURNING {r[x => x.Id]} AS id, coalesce({r[x => x.UserId]}, {r[x => x.PeerKeyFingerprint]}) AS contributor,
                          date_trunc('hour', {r[x => x.Time]}, 'UTC') AS hour, coalesce({r[x => x.CreditedSamples]}, {r[x => x.Samples]}) AS credited
            ), totals AS (
                -- Only what the leaderboard job has already counted; it sees the rest as rolled back when it gets to them.
                SELECT contributor, hour, sum(credited) AS credited, count(*) AS reports
                FROM marked WHERE id <= (SELECT {w[x => x.LastReportId]} FROM {w} WHERE {w[x => x.Id]} = 1) GROUP BY contributor, hour
            ), moved AS (
                UPDATE {h} h
                SET {credited} = h.{credited} - t.credited, {rolledBack} = h.{rolledBack} + t.credited, {reports} = h.{reports} - t.reports
                FROM totals t
                WHERE h.{h[x => x.ExperimentId]} = @experiment AND h.{h[x => x.Contributor]} = t.contributor AND h.{h[x => x.Hour]} = t.hour
                RETURNING 1
            )
            SELECT count(*)::int FROM marked
            """;
    }

    public static RolledBackContributions Build(SqlNames names) => new(names);

    public static Task<int> CountAsync(ModerationDb db, int experimentId, long targetStep, CancellationToken ct) =>
        db.ContributionReports.CountAsync(r => r.ExperimentId == experimentId && r.Step > targetStep && !r.RolledBack, ct);

    /// <summary>Marks them, in the caller's transaction (under the leaderboard job's lock, so no run is half-way through them).</summary>
    public static async Task<int> MarkAsync(ModerationDb db, int experimentId, long targetStep, CancellationToken ct)
    {
        var connection = db.Connection();
        await connection.ExecuteAsync(AdvisoryLocks.LeaderboardJob, ct);
        await using var command = connection.Command(SqlNames.Statements<RolledBackContributions>(db.Model)._mark)
            .With("experiment", experimentId)
            .With("step", targetStep);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }
}
