using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.AuthApi.Jobs;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often each instance looks for jobs whose action committed but whose process died before handing them over.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int SweepSeconds { get; set; } = 10;
}

/// <summary>Every <see cref="OutboxOptions.SweepSeconds"/>, hands over outbox rows left by a process that died after its commit.</summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, Outbox outbox, IOptions<OutboxOptions> options, TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.SweepSeconds);
        using var timer = new PeriodicTimer(every, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var handed = await outbox.DispatchLeftoversAsync(scope.ServiceProvider.GetRequiredService<ModerationDb>(), every, stoppingToken);
                if (handed > 0)
                {
                    logger.LogWarning("Handed {Count} jobs left in the outbox by an interrupted action to Hangfire.", handed);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The outbox sweep failed; it is tried again in {Seconds} s.", every.TotalSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
