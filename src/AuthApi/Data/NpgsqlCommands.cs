using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Data;

/// <summary>
/// How the hot paths run their Npgsql statements (named from the model by <see cref="SqlNames"/>): a command on the
/// DbContext's connection, which joins the transaction open on it, typed parameters, and <c>await using</c> on every
/// command so none is left undisposed.
/// </summary>
public static class NpgsqlCommands
{
    /// <summary>The DbContext's connection (open it with <c>db.Database.OpenConnectionAsync</c>, close it after).</summary>
    public static NpgsqlConnection Connection(this ModerationDb db) => (NpgsqlConnection)db.Database.GetDbConnection();

    /// <summary>A command on <paramref name="connection"/>; dispose it (<c>await using</c>).</summary>
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql) => new(sql, connection);

    /// <summary>Adds a parameter typed by its value (<c>@name</c> in the SQL).</summary>
    public static NpgsqlCommand With<T>(this NpgsqlCommand command, string name, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T>(name, value));
        return command;
    }

    /// <summary>Adds a parameter of an explicit type, for nulls and arrays that hold them.</summary>
    public static NpgsqlCommand With(this NpgsqlCommand command, string name, NpgsqlDbType type, object? value)
    {
        command.Parameters.Add(Typed(name, type, value));
        return command;
    }

    /// <inheritdoc cref="With{T}(NpgsqlCommand, string, T)"/>
    public static NpgsqlBatchCommand With<T>(this NpgsqlBatchCommand command, string name, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T>(name, value));
        return command;
    }

    /// <inheritdoc cref="With(NpgsqlCommand, string, NpgsqlDbType, object?)"/>
    public static NpgsqlBatchCommand With(this NpgsqlBatchCommand command, string name, NpgsqlDbType type, object? value)
    {
        command.Parameters.Add(Typed(name, type, value));
        return command;
    }

    /// <summary>A positional (<c>$1</c>, <c>$2</c>…) array parameter of <paramref name="elementType"/>, for <c>unnest</c>.</summary>
    public static NpgsqlParameter Array<T>(IEnumerable<T> values, NpgsqlDbType elementType) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | elementType };

    private static NpgsqlParameter Typed(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

    /// <summary>A parameter typed by its value, for the EF raw-SQL calls that run such statements (<c>ExecuteSqlRawAsync</c>).</summary>
    public static NpgsqlParameter<T> Parameter<T>(string name, T value) => new(name, value);

    /// <summary>Runs a statement that returns no rows (an advisory lock, a write) and disposes its command.</summary>
    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.Command(sql);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
