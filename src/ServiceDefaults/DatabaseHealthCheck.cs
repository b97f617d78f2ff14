using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Moderation.ServiceDefaults;

/// <summary>
/// Opens a fresh, unpooled connection, so a database that went away and came back is seen as it is now, not through a
/// pool of dead connections. <c>/readyz</c> is public, so the answer is reused for half a second and concurrent checks
/// share one probe: a flood of readiness requests costs PostgreSQL at most two connections a second.
/// </summary>
public sealed class DatabaseHealthCheck(IConfiguration configuration) : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Reuse = TimeSpan.FromMilliseconds(500);
    private readonly SemaphoreSlim _probing = new(1, 1);
    private (HealthCheckResult Result, long At)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Recent() is { } recent)
        {
            return recent;
        }
        await _probing.WaitAsync(cancellationToken);
        try
        {
            if (Recent() is { } meanwhile)
            {
                return meanwhile;
            }
            var result = await ProbeAsync(cancellationToken);
            _last = (result, System.Diagnostics.Stopwatch.GetTimestamp());
            return result;
        }
        finally
        {
            _probing.Release();
        }
    }

    public void Dispose() => _probing.Dispose();

    private HealthCheckResult? Recent() =>
        _last is { } last && System.Diagnostics.Stopwatch.GetElapsedTime(last.At) < Reuse ? last.Result : null;

    private async Task<HealthCheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Moderation"))
        {
            Pooling = false,
            Timeout = 3,
            CommandTimeout = 3,
        };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is unreachable.");
        }
    }
}
