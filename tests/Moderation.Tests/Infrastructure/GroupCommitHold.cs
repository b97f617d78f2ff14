using Npgsql;

namespace Moderation.Tests.Infrastructure;

/// <summary>Holds up the join's group commit, so that the joins behind it queue up deterministically.</summary>
public static class GroupCommitHold
{
    /// <summary>
    /// Holds a lock that lets joins read but not insert tokens (or claim keys, with <c>peer_keys</c>), until disposed (the
    /// connection closes, rolling back).
    /// </summary>
    public static async Task<NpgsqlConnection> LockIssuedTokensAsync(this AuthApiFactory api, string table = "issued_tokens")
    {
        var connection = new NpgsqlConnection(api.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"BEGIN; LOCK TABLE {table} IN EXCLUSIVE MODE", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Waits until <paramref name="count"/> sessions on the test's database wait for a lock.</summary>
    public static async Task WaitForLockWaitersAsync(this AuthApiFactory api, int count)
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        await WaitUntilAsync(() => (long)command.ExecuteScalar()! >= count);
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string waitingFor = "the joins to queue")
    {
        // Generous: on a loaded machine the first joins of each user wait for a Hub lookup; nothing here is timed.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {waitingFor}.");
            await Task.Delay(20);
        }
    }
}
