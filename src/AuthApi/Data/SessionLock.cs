using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Moderation.AuthApi.Data;

/// <summary>
/// A PostgreSQL session-level advisory lock (<see cref="AdvisoryLocks"/>) held on a connection of its own, outside the
/// pool, which is idle while the lock is held. Disposing closes it, which ends the session and so releases the lock
/// whatever happened to the work (cancelled, failed); and the lock dies with its holder: PostgreSQL ends the session of a
/// process that was killed as soon as the socket closes, and, through the keepalives <see cref="OwnSession"/> sets, of a
/// machine that vanished within about 25 s. A connection from the pool would keep the lock for its next user if the unlock were missed.
/// </summary>
public sealed class SessionLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;

    private SessionLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Takes the lock that <paramref name="trySql"/> tries (a <c>pg_try_advisory_lock</c>); null when another session holds it.</summary>
    /// <param name="parameters">The statement's parameters, if it has any.</param>
    public static async Task<SessionLock?> TryTakeAsync(ModerationDb db, string trySql, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        var connection = await OwnSession.OpenAsync(db.Database.GetConnectionString()!, ct);
        try
        {
            await using var command = connection.Command(trySql);
            command.Parameters.AddRange(parameters);
            if ((bool)(await command.ExecuteScalarAsync(ct))!)
            {
                return new SessionLock(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
