using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// Stores batches of reports with one statement (<c>unnest</c> of arrays), skipping those already stored for the same peer
/// key and step. Each batch holds the shared side of the contributions lock, so the leaderboard job, taking the exclusive
/// side for an instant, knows every report up to the highest id it sees is committed. The experiment is checked once per
/// batch, not per report: the statement locks its row as a foreign key's check would (FOR KEY SHARE), so it cannot be
/// deleted under the batch, and a batch for an experiment deleted meanwhile stores nothing.
/// </summary>
public sealed class ContributionStore : ISqlStatements<ContributionStore>
{
    private readonly string _insert, _exists, _lockForDelete;

    private ContributionStore(SqlNames names)
    {
        var r = names.Table<ContributionReport>();
        var e = names.Table<Experiment>();
        // The conflict target is the live-report index (ContributionReportConfiguration): one live report per key and step.
        _insert = $"""
            WITH experiment AS (SELECT 1 FROM {e} WHERE {e[x => x.Id]} = @experiment FOR KEY SHARE)
            INSERT INTO {r}
                ({r.Columns(x => x.ExperimentId, x => x.PeerKeyFingerprint, x => x.Step, x => x.Samples, x => x.SamplesPerSecond, x => x.MiniSteps,
                            x => x.Loss, x => x.Time, x => x.ReceivedAt, x => x.ReportedBy, x => x.UserId, x => x.Clipped, x => x.RolledBack)})
            SELECT @experiment, u.fp, u.step, u.samples, u.sps, u.mini, u.loss, u.t, @now, @by, u.user_id, false, false
            FROM experiment, unnest(@fp, @step, @samples, @sps, @mini, @loss, @time, @user_id) AS u(fp, step, samples, sps, mini, loss, t, user_id)
            ON CONFLICT ({r.Columns(x => x.ExperimentId, x => x.PeerKeyFingerprint, x => x.Step)}) WHERE NOT {r[x => x.RolledBack]} DO NOTHING;
            """;
        _exists = $"SELECT EXISTS (SELECT 1 FROM {e} WHERE {e[x => x.Id]} = @experiment)";
        _lockForDelete = $"SELECT FROM {e} WHERE {e[x => x.Id]} = @experiment FOR UPDATE";
    }

    public static ContributionStore Build(SqlNames names) => new(names);

    /// <summary>
    /// Deletes an experiment's reports, in the transaction that deletes the experiment (reports have no foreign key to
    /// cascade). The experiment's row is locked first, so a batch being stored (it holds the row FOR KEY SHARE) ends before
    /// its reports are deleted, and a batch after it finds no experiment.
    /// </summary>
    public static async Task DeleteExperimentsReportsAsync(ModerationDb db, int experimentId, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync(SqlNames.Statements<ContributionStore>(db.Model)._lockForDelete,
            [NpgsqlCommands.Parameter("experiment", experimentId)], ct);
        await db.ContributionReports.Where(r => r.ExperimentId == experimentId).ExecuteDeleteAsync(ct);
    }

    /// <returns>How many reports were new; null when the experiment has been deleted meanwhile (nothing was stored).</returns>
    public static async Task<int?> StoreAsync(ModerationDb db, int experimentId, string reportedBy, ReportColumns reports, DateTimeOffset now, CancellationToken ct)
    {
        var statements = SqlNames.Statements<ContributionStore>(db.Model);
        var connection = db.Connection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AdvisoryLocks.IngestBarrierShared));
            var command = new NpgsqlBatchCommand(statements._insert)
                .With("experiment", experimentId)
                .With("now", now)
                .With("by", reportedBy)
                .With("user_id", NpgsqlDbType.Array | NpgsqlDbType.Text, reports.UserIds)
                .With("fp", reports.Fingerprints)
                .With("step", reports.Steps)
                .With("samples", reports.Samples)
                .With("sps", reports.SamplesPerSecond)
                .With("mini", reports.MiniSteps)
                .With("loss", NpgsqlDbType.Array | NpgsqlDbType.Double, reports.Losses)
                .With("time", reports.Times);
            batch.BatchCommands.Add(command);
            await batch.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            if (command.RecordsAffected > 0)
            {
                return command.RecordsAffected;
            }
            // Nothing new: every report a duplicate, or the experiment gone. Asked only then.
            await using var exists = connection.Command(statements._exists).With("experiment", experimentId);
            return (bool)(await exists.ExecuteScalarAsync(ct))! ? 0 : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
