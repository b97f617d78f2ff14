using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;

namespace Moderation.AuthApi.Jobs;

public static class HangfireSetup
{
    private static readonly ILoggerFactory HangfireLogs =
        LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

    /// <summary>Hangfire on the same PostgreSQL database (its own <c>hangfire</c> schema), so jobs are shared by every replica.</summary>
    public static IServiceCollection AddModerationJobs(this IServiceCollection services)
    {
        // The storage is this application's own service, not Hangfire's process-wide JobStorage.Current, so several
        // hosts in one process (as in the tests) each keep to their own database.
        services.AddSingleton<JobStorage>(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var options = new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                QueuePollInterval = TimeSpan.FromSeconds(1),
                // A job whose server died is taken up by another after this long (jobs here take seconds).
                InvisibilityTimeout = TimeSpan.FromSeconds(configuration.GetValue("Hangfire:InvisibilityTimeoutSeconds", 300)),
            };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(DatabaseSetup.ConnectionString(configuration), options), options);
        });
        services.AddHangfire(config => config
            // Hangfire's log provider is process-wide: it must not be a host's logger factory, which dies with the host.
            .UseLogProvider(new Hangfire.AspNetCore.AspNetCoreLogProvider(HangfireLogs))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Outbox>();
        services.AddHostedService<OutboxDispatcher>();
        services.AddHangfireServer((sp, options) =>
        {
            options.WorkerCount = sp.GetRequiredService<IConfiguration>().GetValue("Hangfire:WorkerCount", 4);
            // Jobs are built from this application's services, not from whichever host set Hangfire's global activator last.
            options.Activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
            options.ShutdownTimeout = TimeSpan.FromSeconds(5);
        });
        return services;
    }

    /// <summary>Registers the recurring jobs (idempotent: every replica may call it at start-up).</summary>
    public static WebApplication ScheduleModerationJobs(this WebApplication app)
    {
        var recurring = app.Services.GetRequiredService<IRecurringJobManager>();
        recurring.AddOrUpdate<KeyRotationJob>(KeyRotationJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Cron.Daily());
        recurring.AddOrUpdate<BanExpiryJob>(BanExpiryJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        recurring.AddOrUpdate<UsedProofPurgeJob>(UsedProofPurgeJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Cron.Hourly());
        recurring.AddOrUpdate<LeaderboardJob>(LeaderboardJob.RecurringJobId, job => job.RunAsync(false, CancellationToken.None),
            app.Configuration.GetValue("Contributions:LeaderboardCron", Cron.Minutely())!);
        return app;
    }
}
