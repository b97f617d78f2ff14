using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Moderation.AuthApi.Identity;

/// <summary>The HTTP clients that call the Hub, each with its own resilience pipeline: identity lookups, name lookups, the checkpoint store's writes.</summary>
public static class HubClientSetup
{
    /// <summary>Identity lookups (sign-ins): reads, retried.</summary>
    public const string LookupClient = "huggingface";

    /// <summary>Name lookups (what moderators type): reads, retried, with a breaker of their own so they can never trip sign-ins'.</summary>
    public const string UserClient = "huggingface-users";

    /// <summary>The checkpoint store's branch changes: writes, not retried here; a breaker of their own.</summary>
    public const string StoreClient = "huggingface-store";

    public static IServiceCollection AddHubClients(this IServiceCollection services)
    {
        services.AddOptions<HubClientOptions>().BindConfiguration(HubClientOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.TotalTimeoutSeconds > o.AttemptTimeoutSeconds,
                "HuggingFace:Client:TotalTimeoutSeconds must be greater than AttemptTimeoutSeconds.")
            .Validate(o => o.BreakerSamplingSeconds >= 2 * o.AttemptTimeoutSeconds,
                "HuggingFace:Client:BreakerSamplingSeconds must be at least twice AttemptTimeoutSeconds.")
            .ValidateOnStart();
        foreach (var name in new[] { LookupClient, UserClient, StoreClient })
        {
            services.AddHttpClient(name, (sp, client) =>
                {
                    client.BaseAddress = new Uri(sp.GetRequiredService<IOptions<HfOptions>>().Value.BaseUrl.TrimEnd('/') + "/");
                    // The resilience pipeline bounds every call.
                    client.Timeout = Timeout.InfiniteTimeSpan;
                })
                .AddStandardResilienceHandler()
                .Configure((HttpStandardResilienceOptions o, IServiceProvider sp) =>
                    Configure(o, sp.GetRequiredService<IOptions<HubClientOptions>>().Value, retry: name != StoreClient));
        }
        return services;
    }

    private static void Configure(HttpStandardResilienceOptions o, HubClientOptions settings, bool retry)
    {
        o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(settings.AttemptTimeoutSeconds);
        o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(settings.TotalTimeoutSeconds);
        o.Retry.MaxRetryAttempts = retry ? Math.Max(settings.MaxRetries, 1) : 1;
        o.Retry.BackoffType = DelayBackoffType.Exponential;
        o.Retry.UseJitter = true;
        o.Retry.Delay = TimeSpan.FromMilliseconds(settings.RetryDelayMilliseconds);
        // Reads only: a retried write could be applied twice. The Hub's 429 says when to come back; honour it.
        o.Retry.DisableForUnsafeHttpMethods();
        if (!retry || settings.MaxRetries == 0)
        {
            o.Retry.ShouldHandle = _ => PredicateResult.False();
        }
        o.CircuitBreaker.FailureRatio = settings.BreakerFailureRatio;
        o.CircuitBreaker.MinimumThroughput = settings.BreakerMinimumCalls;
        o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(settings.BreakerSamplingSeconds);
        o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(settings.BreakSeconds);
        // The Hub rejecting a token (401/403/404) is an answer, not a failure: only 5xx, 408, 429 and timeouts count.
    }
}
