using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// Stores batches of reports with one statement (<c>unnest</c> of arrays), skipping those already stored for the same peer
/// key and step. Each batch holds the shared side of the contributions lock, so the leaderboard job, taking the exclusive
/// side for an instant, knows every report up to the highest id it sees is committed.
/// </summary>
public sealed class ContributionStore : ISqlStatements<ContributionStore>
{
    private readonly string _insert;

    private ContributionStore(SqlNames names)
    {
        var r = names.Table<ContributionReport>();
        // The conflict target is the live-report index (ContributionReportConfiguration): one live report per key and step.
        _insert = $"""
            INSERT INTO {r}
                ({r.Columns(x => x.ExperimentId, x => x.PeerKeyFingerprint, x => x.Step, x => x.Samples, x => x.SamplesPerSecond, x => x.MiniSteps,
                            x => x.Loss, x => x.Time, x => x.ReceivedAt, x => x.ReportedBy, x => x.UserId, x => x.Clipped, x => x.RolledBack)})
            SELECT @experiment, u.fp, u.step, u.samples, u.sps, u.mini, u.loss, u.t, @now, @by, u.user_id, false, false
            FROM unnest(@fp, @step, @samples, @sps, @mini, @loss, @time, @user_id) AS u(fp, step, samples, sps, mini, loss, t, user_id)
            ON CONFLICT ({r.Columns(x => x.ExperimentId, x => x.PeerKeyFingerprint, x => x.Step)}) WHERE NOT {r[x => x.RolledBack]} DO NOTHING;
            """;
    }

    public static ContributionStore Build(SqlNames names) => new(names);

    /// <returns>How many reports were new.</returns>
    public static async Task<int> StoreAsync(ModerationDb db, int experimentId, string reportedBy, IReadOnlyList<AttributedReport> attributed, DateTimeOffset now, CancellationToken ct)
    {
        var insert = SqlNames.Statements<ContributionStore>(db.Model)._insert;
        var connection = db.Connection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AdvisoryLocks.IngestBarrierShared));
            var reports = attributed.Select(a => a.Report).ToArray();
            var command = new NpgsqlBatchCommand(insert)
                .With("experiment", experimentId)
                .With("now", now)
                .With("by", reportedBy)
                .With("user_id", NpgsqlDbType.Array | NpgsqlDbType.Text, attributed.Select(a => a.UserId).ToArray())
                .With("fp", reports.Select(r => r.PeerKeyFingerprint).ToArray())
                .With("step", reports.Select(r => r.Step).ToArray())
                .With("samples", reports.Select(r => r.Samples).ToArray())
                .With("sps", reports.Select(r => r.SamplesPerSecond).ToArray())
                .With("mini", reports.Select(r => r.MiniSteps).ToArray())
                .With("loss", NpgsqlDbType.Array | NpgsqlDbType.Double, reports.Select(r => r.Loss).ToArray())
                .With("time", reports.Select(r => r.Time).ToArray());
            batch.BatchCommands.Add(command);
            await batch.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            return command.RecordsAffected;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
