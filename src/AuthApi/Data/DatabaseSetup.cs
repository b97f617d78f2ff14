using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Moderation.AuthApi.Data;

public static class DatabaseSetup
{

    /// <summary>The PostgreSQL connection string, read when first needed so hosts and tests can supply it late.</summary>
    public static string ConnectionString(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("Moderation") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("ConnectionStrings:Moderation is not set: it must name the PostgreSQL database.");
        var builder = new NpgsqlConnectionStringBuilder(configured);
        // Defaults for a busy service, unless the connection string says otherwise: no DISCARD ALL every time a pooled
        // connection is reused (we keep no session state), and statements prepared once per connection.
        if (!configured.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }
        if (!configured.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
        }
        return builder.ConnectionString;
    }

    public static IServiceCollection AddModerationDatabase(this IServiceCollection services)
    {
        services.AddDbContextPool<ModerationDb>((sp, options) => options
            .UseNpgsql(ConnectionString(sp.GetRequiredService<IConfiguration>()))
            .UseSnakeCaseNamingConvention());
        services.AddScoped<UnitOfWork>();
        return services;
    }

    /// <summary>
    /// Applies the committed migrations. Safe when several instances start at once: they queue on an advisory lock,
    /// and the later ones find nothing left to apply. Waits for PostgreSQL to come up for up to <paramref name="patience"/>.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, TimeSpan patience, CancellationToken ct = default)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseSetup));
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
                await db.Database.OpenConnectionAsync(ct);
                try
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({AdvisoryLocks.Migration})", ct);
                    await db.Database.MigrateAsync(ct);
                }
                finally
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({AdvisoryLocks.Migration})", CancellationToken.None);
                    await db.Database.CloseConnectionAsync();
                }
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("PostgreSQL is not reachable yet ({Message}); retrying.", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}
