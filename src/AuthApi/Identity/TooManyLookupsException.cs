using System.Threading.RateLimiting;
using Moderation.AuthApi.Telemetry;

namespace Moderation.AuthApi.Identity;

/// <summary>A caller started more Hub lookups than <see cref="HubLookupGate"/> or <see cref="UserLookupGate"/> allows: 429.</summary>
public sealed class TooManyLookupsException(int retryAfterSeconds, string? message = null)
    : Exception(message ?? "Too many unknown tokens or credentials from this address: each one costs a call to Hugging Face or a database lookup.")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;

    /// <summary>Counts and throws a refusal when <paramref name="lease"/> was not acquired, with the wait the limiter names (at least 1 s).</summary>
    public static void ThrowIfRefused(RateLimitLease lease, ModerationMetrics metrics, string policy, string? message = null)
    {
        if (lease.IsAcquired)
        {
            return;
        }
        metrics.RateLimitRefused(policy);
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        throw new TooManyLookupsException(Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)), message);
    }
}
