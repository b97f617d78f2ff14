using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// What a rollback does to contributions: every live report after the target step is marked rolled back, and what
/// the leaderboard had credited for it moves from credited to rolled-back samples in the hourly totals.
/// </summary>
public static class RolledBackContributions
{
    public static Task<int> CountAsync(ModerationDb db, int experimentId, long targetStep, CancellationToken ct) =>
        db.ContributionReports.CountAsync(r => r.ExperimentId == experimentId && r.Step > targetStep && !r.RolledBack, ct);

    /// <summary>Marks them, in the caller's transaction (under the leaderboard job's lock, so no run is half-way through them).</summary>
    public static async Task<int> MarkAsync(ModerationDb db, int experimentId, long targetStep, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync(AdvisoryLocks.LeaderboardJob, ct);
        var marked = await db.Database.SqlQueryRaw<int>("""
            WITH marked AS (
                UPDATE contribution_reports SET rolled_back = true
                WHERE experiment_id = @experiment AND step > @step AND NOT rolled_back
                RETURNING id, coalesce(user_id, peer_key_fingerprint) AS contributor, date_trunc('hour', "time", 'UTC') AS hour,
                          coalesce(credited_samples, samples) AS credited
            ), totals AS (
                -- Only what the leaderboard job has already counted; it sees the rest as rolled back when it gets to them.
                SELECT contributor, hour, sum(credited) AS credited, count(*) AS reports
                FROM marked WHERE id <= (SELECT last_report_id FROM contribution_watermarks WHERE id = 1) GROUP BY contributor, hour
            ), moved AS (
                UPDATE contribution_hours h
                SET credited_samples = h.credited_samples - t.credited, rolled_back_samples = h.rolled_back_samples + t.credited,
                    reports = h.reports - t.reports
                FROM totals t WHERE h.experiment_id = @experiment AND h.contributor = t.contributor AND h.hour = t.hour
                RETURNING 1
            )
            SELECT count(*)::int AS "Value" FROM marked
            """, new NpgsqlParameter<int>("experiment", experimentId), new NpgsqlParameter<long>("step", targetStep)).ToListAsync(ct);
        return marked.Single();
    }
}
