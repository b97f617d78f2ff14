using System.Text;
using Npgsql;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// What the database holds, in one query: each table's row count and a hash of its rows, and the audit chain's tip.
/// Left out, because the service writes them for requests it then refuses, by design: <c>used_proofs</c> (a DPoP proof
/// is spent when it is checked, whatever the endpoint says next, so it cannot be replayed), when a user or service key
/// was last seen (<c>hf_users.seen_at</c>, <c>service_keys.last_used_at</c>), and EF Core's migrations history.
/// </summary>
public sealed class DatabaseSnapshots : IAsyncDisposable
{
    private static readonly string[] SkippedTables = ["used_proofs", "__EFMigrationsHistory"];
    private static readonly string[] SkippedColumns = ["hf_users.seen_at", "service_keys.last_used_at"];

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _query;

    private DatabaseSnapshots(NpgsqlConnection connection, NpgsqlCommand query) => (_connection, _query) = (connection, query);

    public static async Task<DatabaseSnapshots> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var command = new NpgsqlCommand(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
            connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        var parts = columns.Where(c => !SkippedTables.Contains(c.Table) && !SkippedColumns.Contains($"{c.Table}.{c.Column}"))
            .GroupBy(c => c.Table)
            .Select(t =>
            {
                var row = $"ROW({string.Join(", ", t.Select(c => $"\"{c.Column}\""))})::text";
                return $"SELECT '{t.Key}', count(*)::text, md5(coalesce(string_agg({row}, '|' ORDER BY {row}), '')) FROM \"{t.Key}\"";
            })
            .Append("SELECT 'audit chain tip', coalesce(max(id), 0)::text, coalesce((SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1), '') FROM audit_entries");
        var query = new NpgsqlCommand(string.Join("\nUNION ALL ", parts), connection);
        await query.PrepareAsync();
        return new DatabaseSnapshots(connection, query);
    }

    /// <summary>Table (or "audit chain tip") → "count/hash".</summary>
    public async Task<Dictionary<string, string>> TakeAsync()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await _query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = $"{reader.GetString(1)} rows, {reader.GetString(2)}";
        }
        return result;
    }

    /// <summary>The tables that differ, with their before and after, or null when nothing changed.</summary>
    public static string? Difference(Dictionary<string, string> before, Dictionary<string, string> after)
    {
        var changed = new StringBuilder();
        foreach (var (table, value) in after)
        {
            if (!before.TryGetValue(table, out var old) || old != value)
            {
                changed.Append(System.Globalization.CultureInfo.InvariantCulture, $"{table}: {old ?? "absent"} → {value}; ");
            }
        }
        return changed.Length == 0 ? null : changed.ToString();
    }

    /// <summary>Runs <paramref name="sql"/> on the snapshot connection and returns its first row's columns as text.</summary>
    public async Task<string?[]> RowAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return [.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i).ToString())];
    }

    public async ValueTask DisposeAsync()
    {
        await _query.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
