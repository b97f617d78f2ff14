using Microsoft.EntityFrameworkCore;
using Moderation.ServiceDefaults;
using Moderation.AuthApi.Jobs;
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
    /// Applies the committed migrations and installs Hangfire's schema (or, with <c>Database:MigrateOnStart=false</c>,
    /// checks that neither is behind); with <c>migrate</c> as the first argument only that, and false is returned: the
    /// process exits. Safe when several instances start at once: they queue on an advisory lock, and the later ones find
    /// nothing left to apply. A serving replica leaves Hangfire's schema to the schema step and the workers: it never
    /// uses it, and does not load Hangfire to look at it.
    /// </summary>
    public static Task<bool> PrepareSchemaAsync(this IServiceProvider services, string[] args, InstanceRole role = InstanceRole.All) =>
        services.PrepareSchemaAsync<ModerationDb>(args, AdvisoryLocks.Migration, TimeSpan.FromSeconds(60),
            role.Works() || args is ["migrate", ..] ? HangfireSchema.Library : null);
}
