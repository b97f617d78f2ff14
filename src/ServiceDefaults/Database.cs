using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Moderation.ServiceDefaults;

public static class Database
{
    public static IServiceCollection AddDatabaseSettings(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DatabaseHealthCheck>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    /// <summary>Liveness (<c>/healthz</c>: the process answers) and readiness (<c>/readyz</c>: PostgreSQL answers too).</summary>
    public static IEndpointConventionBuilder[] MapHealthEndpoints(this IEndpointRouteBuilder app) =>
    [
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).WithTags("Health"),
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).WithTags("Health"),
    ];

    /// <summary>
    /// Brings the schema up to this build before serving. <c>migrate</c> as the first argument applies the migrations and
    /// returns false: the caller exits (a deployment step that runs once per release, before any replica serves, so that
    /// the serving database role needs no DDL rights). Otherwise the migrations are applied here when
    /// <c>Database:MigrateOnStart</c> is true (the default), and when it is false the process refuses to start while one
    /// is pending, naming the command that applies them.
    /// </summary>
    /// <returns>True when the caller should go on to serve.</returns>
    /// <param name="library">A library's own schema (Hangfire's) that the step installs too, under the same lock.</param>
    public static async Task<bool> PrepareSchemaAsync<TContext>(
        this IServiceProvider services, string[] args, long lockKey, TimeSpan patience, LibrarySchema? library = null)
        where TContext : DbContext
    {
        var migrateOnly = args.Length > 0 && args[0] == "migrate";
        if (migrateOnly || (services.GetRequiredService<IConfiguration>().GetSection(SchemaOptions.Section).Get<SchemaOptions>() ?? new()).MigrateOnStart)
        {
            await services.MigrateUnderLockAsync<TContext>(lockKey, patience, library);
            return !migrateOnly;
        }
        var (pending, libraryVersion) = await WithPatienceAsync(services, patience, async ct =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (library is null)
            {
                return (pending, (int?)null);
            }
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                return (pending, library.Version((NpgsqlConnection)db.Database.GetDbConnection()));
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, CancellationToken.None);
        var migrate = $"apply them first with `dotnet {typeof(TContext).Assembly.GetName().Name}.dll migrate` (same settings), then start again.";
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database is {pending.Count} migration(s) behind this build (the first: {pending[0]}) and Database:MigrateOnStart is false: {migrate}");
        }
        if (library is not null && !(libraryVersion >= library.Latest))
        {
            throw new InvalidOperationException(
                $"{library.Name}'s schema is at version {libraryVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, "
                + $"this build needs {library.Latest}, and Database:MigrateOnStart is false: {migrate}");
        }
        return true;
    }

    /// <summary>
    /// Applies <typeparamref name="TContext"/>'s committed migrations, then installs or upgrades <paramref name="library"/>'s
    /// schema. Safe when several instances start at once: they queue on the advisory lock <paramref name="lockKey"/>, and
    /// the later ones find nothing left to apply (a library installing its own schema at start-up, as Hangfire does, races
    /// itself there). Waits for PostgreSQL to come up for up to <paramref name="patience"/>. Logs what it applied.
    /// </summary>
    public static async Task MigrateUnderLockAsync<TContext>(
        this IServiceProvider services, long lockKey, TimeSpan patience, LibrarySchema? library = null, CancellationToken ct = default)
        where TContext : DbContext
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Database));
        await WithPatienceAsync(services, patience, async ct =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({lockKey})", ct);
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
                await db.Database.MigrateAsync(ct);
                logger.LogInformation("{Context}: applied {Count} migrations.", typeof(TContext).Name, pending);
                if (library is not null)
                {
                    var connection = (NpgsqlConnection)db.Database.GetDbConnection();
                    var before = library.Version(connection);
                    library.Install(connection);
                    logger.LogInformation("{Library} schema: version {Before} before, {After} now.", library.Name,
                        before?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", library.Version(connection));
                }
                EnsureDataProtectionKey(services);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({lockKey})", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
            return true;
        }, ct);
    }

    /// <summary>Runs <paramref name="work"/>, again every second while PostgreSQL is not reachable, for up to <paramref name="patience"/>.</summary>
    private static async Task<T> WithPatienceAsync<T>(IServiceProvider services, TimeSpan patience, Func<CancellationToken, Task<T>> work, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                return await work(ct);
            }
            catch (NpgsqlException ex) when (ex.IsTransient && DateTime.UtcNow < deadline)
            {
                services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Database))
                    .LogWarning("PostgreSQL is not reachable yet ({Message}); retrying.", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    /// <summary>
    /// Replicas starting together on an empty key ring would each make a key of their own (Data Protection makes one
    /// at first use); made here, under the migration lock, there is one key that every replica finds. The key ring's
    /// protection settings are checked first, so no key is ever written unprotected where that is refused.
    /// </summary>
    private static void EnsureDataProtectionKey(IServiceProvider services)
    {
        if (services.GetService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>() is not { } keys
            || services.GetService<IOptions<KeyProtectionOptions>>() is not { } protection)
        {
            return;
        }
        _ = protection.Value; // throws the start-up refusal, naming the settings
        var now = DateTimeOffset.UtcNow;
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(2)))
        {
            keys.CreateNewKey(now, now.AddDays(90));
        }
    }
}
