using Npgsql;

namespace Moderation.AuthApi.Data;

/// <summary>
/// A PostgreSQL session of its own, outside the pool, for state that must end with the session and never pass to the
/// pool's next user (a session-level lock, a LISTEN; pooled connections are not reset here, <c>DatabaseSetup</c>).
/// </summary>
public static class OwnSession
{
    // An idle session notices a peer that vanished without closing its socket only by TCP keepalives, which PostgreSQL
    // leaves to the system (two hours on Linux) unless the session sets them: probe after 10 s idle, every 5 s, 3 times.
    private const string Keepalives = "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3";

    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            await connection.ExecuteAsync(Keepalives, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
