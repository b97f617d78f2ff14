using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Telemetry;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// What keeps typed names from becoming Hub traffic. Every lookup of a name the cache does not know (a call to
/// <c>/api/users/{name}/overview</c>) takes one unit from its caller's budget (<see cref="RateLimitOptions.NameLookupsPerMinute"/>,
/// per signed-in user or service key; an allowlist import spends a bigger budget of its own,
/// <see cref="RateLimitOptions.ImportNameLookupsPerMinute"/>) and one from this instance's (<see cref="RateLimitOptions.InstanceNameLookupsPerMinute"/>),
/// and only <see cref="RateLimitOptions.ConcurrentNameLookups"/> are in flight at once. Cached answers (found or not) cost
/// nothing. Sign-ins never pass through here, and these calls go through a client of their own (HubClientSetup.UserClient),
/// so a flood of names can neither use up nor trip what protects identity lookups.
/// </summary>
public sealed class UserLookupGate : IDisposable
{
    public const string Policy = "name-lookups";

    /// <summary>Begins the budget key of a caller's allowlist imports, which have a budget of their own (<see cref="RateLimitOptions.ImportNameLookupsPerMinute"/>).</summary>
    public const string ImportPrefix = "import:";

    private readonly PartitionedRateLimiter<string> _perCaller;
    private readonly RateLimiter _perInstance;
    private readonly SemaphoreSlim _inFlight;
    private readonly ModerationMetrics _metrics;

    public UserLookupGate(IOptions<RateLimitOptions> options, ModerationMetrics metrics)
    {
        var limits = options.Value;
        _metrics = metrics;
        _inFlight = new SemaphoreSlim(limits.ConcurrentNameLookups);
        _perCaller = PartitionedRateLimiter.Create<string, string>(caller =>
        {
            var (perMinute, burst) = caller.StartsWith(ImportPrefix, StringComparison.Ordinal)
                ? (limits.ImportNameLookupsPerMinute, limits.ImportNameLookupBurst)
                : (limits.NameLookupsPerMinute, limits.NameLookupBurst);
            return perMinute == 0
                ? RateLimitPartition.GetNoLimiter(caller)
                : RateLimitPartition.GetTokenBucketLimiter(caller, _ => RateLimits.Options(perMinute, burst));
        });
        _perInstance = limits.InstanceNameLookupsPerMinute == 0
            ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = int.MaxValue, QueueLimit = 0 })
            : new TokenBucketRateLimiter(RateLimits.Options(limits.InstanceNameLookupsPerMinute, limits.InstanceNameLookupBurst));
    }

    /// <summary>Takes one lookup from <paramref name="caller"/>'s budget and this instance's; waits for a free slot (dispose it after the call).</summary>
    /// <exception cref="TooManyLookupsException">The caller's or this instance's budget is spent.</exception>
    public async Task<IDisposable> EnterAsync(string caller, CancellationToken ct)
    {
        using (var mine = _perCaller.AttemptAcquire(caller))
        {
            TooManyLookupsException.ThrowIfRefused(mine, _metrics, Policy, "You looked up too many Hugging Face names the service did not know lately: each one is a call to Hugging Face.");
            using var ours = _perInstance.AttemptAcquire();
            TooManyLookupsException.ThrowIfRefused(ours, _metrics, Policy, "This service is looking up too many Hugging Face names at the moment.");
        }
        await _inFlight.WaitAsync(ct);
        return new SemaphoreSlot(_inFlight);
    }

    public void Dispose()
    {
        _perCaller.Dispose();
        _perInstance.Dispose();
        _inFlight.Dispose();
    }
}
