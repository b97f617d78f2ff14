using Npgsql;

namespace Moderation.Tests.Infrastructure;

/// <summary>Database faults for tests, on a test class's own database (other classes' databases are untouched).</summary>
public static class DatabaseFaults
{
    /// <summary>Holds a lock on one row of <paramref name="table"/> (<c>FOR UPDATE</c>) until disposed: a write to it waits.</summary>
    public static async Task<NpgsqlConnection> LockRowAsync(this AuthApiFactory api, string table, long id)
    {
        var connection = new NpgsqlConnection(api.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"BEGIN; SELECT 1 FROM {table} WHERE id = {id} FOR UPDATE", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Waits (two minutes at most) until a statement on the test's database that mentions <paramref name="table"/> waits for a lock.</summary>
    public static async Task WaitForWriteWaitingOnAsync(this AuthApiFactory api, string table)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%' || @table || '%'",
            connection);
        command.Parameters.AddWithValue("table", table);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"No write to {table} waited for a lock.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Ends every session on <paramref name="connection"/>'s database but its own, as a PostgreSQL restart does: a statement
    /// under way fails with 57P01 ("terminating connection due to administrator command"), and so does the next one on a
    /// pooled connection.
    /// </summary>
    /// <returns>How many sessions it ended.</returns>
    public static async Task<int> TerminateOtherSessionsAsync(this NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            connection);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }
}
