using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Moderation.ModeratorUi.Account;

namespace Moderation.ModeratorUi.Jobs;

/// <summary>
/// Hangfire's dashboard at <c>/jobs</c>, over the background jobs AuthApi runs (its <c>hangfire</c> schema), for global
/// admins only: it shows every experiment's jobs with their arguments, and the servers' names and process ids, which no
/// experiment's owner should read about another's. Anyone else signed in gets the console's page saying why
/// (<c>/account/denied</c>). Jobs are stored by interfaces in <c>Moderation.Contracts.Jobs</c>, whose display names the
/// dashboard shows without AuthApi's assembly.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/jobs";

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
            // AuthApi owns the schema: the dashboard only reads it (and changes job states).
            var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString("Moderation")!;
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        });
        return services;
    }

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            // The endpoint's policy already refused everyone else (with the console's page); this is the dashboard's own check.
            AsyncAuthorization = [new GlobalAdminsOnly()],
            DashboardTitle = "Moderation background jobs",
            AppPath = "/",
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>()).RequireAuthorization(GlobalAdmins.Policy);
        return app;
    }

    private sealed class GlobalAdminsOnly : IDashboardAsyncAuthorizationFilter
    {
        public Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            return http.RequestServices.GetRequiredService<GlobalAdmins>().IsGlobalAdminAsync(http);
        }
    }
}
