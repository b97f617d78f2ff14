using Hangfire;
using Hangfire.PostgreSql;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Keys;

namespace Moderation.AuthApi.Jobs;

public static class HangfireSetup
{
    /// <summary>Hangfire on the same PostgreSQL database (its own <c>hangfire</c> schema), so jobs are shared by every replica.</summary>
    public static IServiceCollection AddModerationJobs(this IServiceCollection services)
    {
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(
                options => options.UseNpgsqlConnection(DatabaseSetup.ConnectionString(sp.GetRequiredService<IConfiguration>())),
                new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromSeconds(1) }));
        services.AddHangfireServer((sp, options) =>
        {
            options.WorkerCount = sp.GetRequiredService<IConfiguration>().GetValue("Hangfire:WorkerCount", 4);
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
        return app;
    }
}
