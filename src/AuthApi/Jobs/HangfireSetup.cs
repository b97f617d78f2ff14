using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;
using Moderation.AuthApi.Rollbacks;
using Moderation.AuthApi.Telemetry;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Jobs;

public static class HangfireSetup
{
    /// <summary>
    /// Where Hangfire logs: its log provider is process-wide, so it cannot be a host's logger factory, which dies with
    /// the host. The console, warnings and above; the test suite points it at its own log file.
    /// </summary>
    internal static ILoggerFactory HangfireLogs { get; set; } =
        LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

    /// <summary>
    /// The background jobs, as far as <paramref name="role"/> runs them. Every role writes the jobs an action needs to the
    /// outbox with it (<see cref="Outbox"/>); only processes that work load Hangfire: its storage on the same PostgreSQL
    /// database (its own <c>hangfire</c> schema, so jobs are shared by every worker), the outbox dispatcher that hands the
    /// rows to it, the recurring jobs' registration and three servers, one per queue (<see cref="JobQueues"/>), so rollbacks
    /// waiting on the Hub never hold the workers that lift expired bans or build the leaderboard.
    /// </summary>
    public static IServiceCollection AddModerationJobs(this IServiceCollection services, InstanceRole role)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Outbox>();
        if (role.Works())
        {
            AddWorkers(services);
        }
        return services;
    }

    /// <summary>A method of its own: compiling it loads Hangfire, which a serving replica never does.</summary>
    private static void AddWorkers(IServiceCollection services)
    {
        // The storage is this application's own service, not Hangfire's process-wide JobStorage.Current, so several
        // hosts in one process (as in the tests) each keep to their own database.
        services.AddSingleton<JobStorage>(sp =>
        {
            var jobs = sp.GetRequiredService<IOptions<JobOptions>>().Value;
            var options = new PostgreSqlStorageOptions
            {
                SchemaName = HangfireSchema.Name,
                // Installed by the schema step, once (HangfireSchema), not by each instance as it starts.
                PrepareSchemaIfNecessary = false,
                QueuePollInterval = TimeSpan.FromSeconds(1),
                // A running job renews its claim every fifth of this; a job whose instance died is free again after it.
                InvisibilityTimeout = TimeSpan.FromSeconds(jobs.InvisibilityTimeoutSeconds),
                UseSlidingInvisibilityTimeout = true,
                // A scheduler's lock left by a killed instance is taken over after this (the default, ten minutes, stops
                // every recurring job that long).
                DistributedLockTimeout = TimeSpan.FromSeconds(jobs.DistributedLockTimeoutSeconds),
            };
            var connectionString = DatabaseSetup.ConnectionString(sp.GetRequiredService<IConfiguration>());
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        });
        services.AddSingleton<JobMetricsFilter>();
        services.AddHangfire(config => config
            .UseLogProvider(new Hangfire.AspNetCore.AspNetCoreLogProvider(HangfireLogs))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        // The jobs that use Hangfire themselves (a rollback reschedules itself, the sweep reads Hangfire's jobs): only where
        // Hangfire is. The other jobs are registered by their features.
        services.AddBackgroundJob<IRollbackJob, RollbackJob>().AddBackgroundJob<IRollbackSweepJob, RollbackSweepJob>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        // Before the servers start (hosted services start in order): every worker registers them, idempotently.
        services.AddHostedService<RecurringJobs>();
        // The default pool also runs the schedulers and the storage's upkeep (including renewing running jobs' claims);
        // the other two are workers only.
        AddServer(services, JobQueues.Default, o => o.WorkerCount, lightweight: false);
        AddServer(services, JobQueues.Critical, _ => 1, lightweight: true);
        AddServer(services, JobQueues.Rollbacks, o => o.RollbackWorkerCount, lightweight: true);
    }

    /// <summary>A job by its interface (as Hangfire stores and activates it) and by its class (for callers in this app).</summary>
    public static IServiceCollection AddBackgroundJob<TJob, TImplementation>(this IServiceCollection services)
        where TJob : class where TImplementation : class, TJob =>
        services.AddScoped<TImplementation>().AddScoped<TJob>(sp => sp.GetRequiredService<TImplementation>());

    private static void AddServer(IServiceCollection services, string queue, Func<JobOptions, int> workers, bool lightweight) =>
        services.AddHangfireServer((sp, options) =>
        {
            var jobs = sp.GetRequiredService<IOptions<JobOptions>>().Value;
            options.ServerName = $"{Environment.MachineName}.{queue}";
            options.Queues = [queue];
            options.WorkerCount = workers(jobs);
            options.IsLightweightServer = lightweight;
            options.SchedulePollingInterval = TimeSpan.FromSeconds(jobs.SchedulePollingIntervalSeconds);
            // Jobs are built from this application's services, not from whichever host set Hangfire's global activator last.
            options.Activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
            // This instance's filters: the global ones and its own metrics (a global filter would count other hosts' jobs too).
            options.FilterProvider = new JobFilterProviderCollection(JobFilterProviders.Providers, new JobPolicies(),
                new JobFilterCollection { sp.GetRequiredService<JobMetricsFilter>() });
            options.ShutdownTimeout = TimeSpan.FromSeconds(5);
        });
}
