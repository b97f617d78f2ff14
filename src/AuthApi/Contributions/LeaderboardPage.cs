using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// One page of a built leaderboard window, with its row count and build time, in one statement that reads only the
/// page: the rows by a range of the primary key (experiment, window, position) instead of OFFSET, each with its user's
/// current name, and the count as the window's highest position, which is the primary key's last entry — positions
/// number every row of a window from 1 (<see cref="LeaderboardBuilder"/>'s <c>row_number()</c>, the window rebuilt whole in
/// one transaction). Counting the rows instead cost ~2.4 ms of the ~3 ms a 10,000-user page took in PostgreSQL.
/// </summary>
internal sealed class LeaderboardPage : ISqlStatements<LeaderboardPage>
{
    private readonly string _read;

    private LeaderboardPage(SqlNames names)
    {
        var e = names.Table<LeaderboardEntry>();
        var s = names.Table<LeaderboardState>();
        var u = names.Table<HfUser>();
        var (experiment, window, position) = (e[x => x.ExperimentId], e[x => x.TimeWindow], e[x => x.Position]);
        var columns = new[]
        {
            e[x => x.Rank], e[x => x.Contributor], e[x => x.Attributed], e[x => x.Banned], e[x => x.CreditedSamples], e[x => x.ClaimedSamples],
            e[x => x.RolledBackSamples], e[x => x.ActiveHours], e[x => x.Steps], e[x => x.ClippedReports], e[x => x.LastSeen],
        };
        _read = $"""
            SELECT s.{s[x => x.BuiltAt]},
                   (SELECT max(t.{position}) FROM {e} t WHERE t.{experiment} = @experiment AND t.{window} = @window),
                   p.{position}, {string.Join(", ", columns.Select(c => "p." + c))}, p.username
            FROM (VALUES (1)) AS one (x)
            LEFT JOIN {s} s ON s.{s[x => x.ExperimentId]} = @experiment
            LEFT JOIN LATERAL (
                SELECT e.{position}, {string.Join(", ", columns.Select(c => "e." + c))},
                       -- A lookup by primary key per row: as a join, the planner preferred reading every user (~1.3 ms).
                       CASE WHEN e.{e[x => x.Attributed]} THEN (SELECT u.{u[x => x.Username]} FROM {u} u WHERE u.{u[x => x.Id]} = e.{e[x => x.Contributor]}) END
                           AS username
                FROM {e} e
                WHERE e.{experiment} = @experiment AND e.{window} = @window AND e.{position} > @after AND e.{position} <= @last
            ) p ON true
            ORDER BY p.{position}
            """;
    }

    public static LeaderboardPage Build(SqlNames names) => new(names);

    /// <returns>When the window was built (null: never), how many rows it has, and the rows of the page.</returns>
    public static async Task<(DateTimeOffset? BuiltAt, int Total, List<LeaderboardEndpoints.NamedEntry> Rows)> ReadAsync(
        ModerationDb db, int experimentId, string window, int offset, int pageSize, CancellationToken ct)
    {
        var connection = db.Connection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.Command(SqlNames.Statements<LeaderboardPage>(db.Model)._read)
                .With("experiment", experimentId)
                .With("window", window)
                .With("after", offset)
                .With("last", (long)offset + pageSize); // offset may be as high as int.MaxValue (Paging)
            await using var reader = await command.ExecuteReaderAsync(ct);
            var (builtAt, total, rows) = ((DateTimeOffset?)null, 0, new List<LeaderboardEndpoints.NamedEntry>(pageSize));
            while (await reader.ReadAsync(ct))
            {
                builtAt = reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0);
                total = reader.IsDBNull(1) ? 0 : reader.GetInt32(1);
                if (!reader.IsDBNull(2))
                {
                    rows.Add(new LeaderboardEndpoints.NamedEntry(Entry(reader, experimentId, window), reader.IsDBNull(14) ? null : reader.GetString(14)));
                }
            }
            return (builtAt, total, rows);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static LeaderboardEntry Entry(NpgsqlDataReader reader, int experimentId, string window) => new()
    {
        ExperimentId = experimentId,
        TimeWindow = window,
        Position = reader.GetInt32(2),
        Rank = reader.IsDBNull(3) ? null : reader.GetInt32(3),
        Contributor = reader.GetString(4),
        Attributed = reader.GetBoolean(5),
        Banned = reader.GetBoolean(6),
        CreditedSamples = reader.GetInt64(7),
        ClaimedSamples = reader.GetInt64(8),
        RolledBackSamples = reader.GetInt64(9),
        ActiveHours = reader.GetInt32(10),
        Steps = reader.GetInt32(11),
        ClippedReports = reader.GetInt32(12),
        LastSeen = reader.GetFieldValue<DateTimeOffset>(13),
    };
}
