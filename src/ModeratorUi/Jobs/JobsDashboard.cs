using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Caching.Memory;
using Moderation.Contracts.Experiments;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Jobs;

/// <summary>
/// Hangfire's dashboard at <c>/jobs</c>, over the background jobs AuthApi runs (its <c>hangfire</c> schema), behind the
/// same sign-in: global admins may act (trigger, requeue, delete), experiment owners only look, everyone else is refused.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/jobs";
    private const string ReadOnlyKey = "moderation:jobs-read-only";

    // Hangfire's log provider is process-wide: never a host's logger factory, which dies with the host.
    private static readonly ILoggerFactory HangfireLogs =
        LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

    public static IServiceCollection AddJobsDashboard(this IServiceCollection services)
    {
        services.AddHangfire(config => config
            .UseLogProvider(new Hangfire.AspNetCore.AspNetCoreLogProvider(HangfireLogs))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddSingleton<JobStorage>(sp =>
        {
            // AuthApi owns the schema: the dashboard only reads it (and, for admins, changes job states).
            var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString("Moderation")!;
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        });
        services.AddMemoryCache();
        return services;
    }

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            AsyncAuthorization = [new AdminsAndOwners()],
            IsReadOnlyFunc = context => context.GetHttpContext().Items[ReadOnlyKey] is not false,
            DashboardTitle = "Moderation background jobs",
            AppPath = "/",
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>()).RequireAuthorization();
        return app;
    }

    /// <summary>Asks AuthApi who the signed-in user is (cached for half a minute: the dashboard polls every few seconds).</summary>
    private sealed class AdminsAndOwners : IDashboardAsyncAuthorizationFilter
    {
        public async Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            var user = http.User.FindFirst("sub")?.Value;
            if (user is null)
            {
                return false;
            }
            var cache = http.RequestServices.GetRequiredService<IMemoryCache>();
            var access = await cache.GetOrCreateAsync("jobs-dashboard:" + user, async entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30);
                var me = await http.RequestServices.GetRequiredService<AuthApiClient>().GetMeAsync(http.RequestAborted);
                if (!me.Ok || me.Value is null)
                {
                    entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1);
                    return Access.None;
                }
                return me.Value.IsGlobalAdmin ? Access.Act
                    : me.Value.Experiments.Any(e => e.Role == ExperimentRole.Owner) ? Access.Look : Access.None;
            });
            http.Items[ReadOnlyKey] = access != Access.Act;
            return access != Access.None;
        }
    }

    private enum Access
    {
        None,
        Look,
        Act,
    }
}
