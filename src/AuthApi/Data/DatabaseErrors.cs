using Npgsql;

namespace Moderation.AuthApi.Data;

/// <summary>Recognises a database failure that is worth trying again: PostgreSQL restarting or unreachable, a broken connection, a timeout.</summary>
public static class DatabaseErrors
{
    /// <summary>
    /// The transient failure behind <paramref name="exception"/>, or null. EF Core and the pool wrap them (a restart's
    /// 57P01 arrives as EF's "likely due to a transient failure" <see cref="InvalidOperationException"/>), so the whole
    /// chain is looked at.
    /// </summary>
    public static Exception? Transient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { IsTransient: true } or TimeoutException)
            {
                return e;
            }
        }
        return null;
    }
}
