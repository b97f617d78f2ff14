using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Telemetry;

namespace Moderation.AuthApi.Identity;

/// <summary>Whether a Hugging Face account exists (<c>GET /api/users/{name}/overview</c>), so moderators cannot ban or admit a typo.</summary>
public sealed class HfUsers(IHttpClientFactory httpClients, IMemoryCache cache, IOptions<HfOptions> options, ModerationMetrics metrics)
{
    /// <exception cref="HfUnavailableException">HF is down, slow or failing.</exception>
    public async Task<bool> ExistsAsync(string username, CancellationToken ct)
    {
        var key = "hf-user:" + username.ToLowerInvariant();
        if (cache.TryGetValue(key, out bool known))
        {
            return known;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpClients.CreateClient(HfIdentityResolver.HttpClientName)
                .GetAsync($"api/users/{Uri.EscapeDataString(username)}/overview", deadline.Token);
            bool exists = response.StatusCode switch
            {
                HttpStatusCode.OK => true,
                HttpStatusCode.NotFound => false,
                _ => throw new HfUnavailableException($"Hugging Face answered {(int)response.StatusCode} when asked about a user."),
            };
            metrics.HubCall("user", exists ? "ok" : "rejected", Stopwatch.GetElapsedTime(started));
            cache.Set(key, exists, exists ? TimeSpan.FromMinutes(10) : TimeSpan.FromMinutes(1));
            return exists;
        }
        catch (HfUnavailableException)
        {
            metrics.HubCall("user", "unavailable", Stopwatch.GetElapsedTime(started));
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException
                                   || ex is OperationCanceledException && !ct.IsCancellationRequested)
        {
            metrics.HubCall("user", ex is Polly.CircuitBreaker.BrokenCircuitException ? "circuit_open" : "unavailable", Stopwatch.GetElapsedTime(started));
            throw new HfUnavailableException("Hugging Face could not be asked about a user.", ex);
        }
    }
}
