using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Telemetry;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// What keeps junk tokens from becoming Hub traffic: each client address may start only so many lookups of tokens the
/// identity cache does not know (<see cref="RateLimitOptions.UnknownTokenLookupsPerMinute"/>), and only
/// <see cref="RateLimitOptions.ConcurrentHubLookups"/> lookups are in flight to the Hub at once; the rest wait their turn
/// within the lookup's own deadline. Tokens already cached never pass through here. Service keys and peer tokens that
/// fail authentication (a database query each) spend the same per-address budget.
/// </summary>
public sealed class HubLookupGate : IDisposable
{
    public const string Policy = "unknown-token-lookups";

    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly SemaphoreSlim _inFlight;
    private readonly ModerationMetrics _metrics;

    public HubLookupGate(IOptions<RateLimitOptions> options, ModerationMetrics metrics)
    {
        var limits = options.Value;
        _metrics = metrics;
        _inFlight = new SemaphoreSlim(limits.ConcurrentHubLookups);
        _perAddress = PartitionedRateLimiter.Create<string, string>(address => limits.UnknownTokenLookupsPerMinute == 0
            ? RateLimitPartition.GetNoLimiter(address)
            : RateLimitPartition.GetTokenBucketLimiter(address, _ => RateLimits.Options(limits.UnknownTokenLookupsPerMinute, limits.UnknownTokenLookupBurst)));
    }

    /// <exception cref="TooManyLookupsException">This address has started too many lookups of unknown tokens.</exception>
    public void Admit(string clientAddress)
    {
        using var lease = _perAddress.AttemptAcquire(clientAddress);
        TooManyLookupsException.ThrowIfRefused(lease, _metrics, Policy);
    }

    /// <summary>Whether this address may still try an unknown credential now.</summary>
    public bool HasBudget(string clientAddress) => _perAddress.GetStatistics(clientAddress) is not { CurrentAvailablePermits: <= 0 };

    /// <summary>
    /// Before a service key or peer token is checked against the database: refuses an address that has used up its budget
    /// for unknown credentials, spending nothing (a valid credential costs no budget; see <see cref="Spend"/>).
    /// </summary>
    /// <exception cref="TooManyLookupsException">This address sent too many unknown credentials lately.</exception>
    public void EnsureBudget(string clientAddress)
    {
        if (_perAddress.GetStatistics(clientAddress) is { CurrentAvailablePermits: <= 0 })
        {
            // Spent: the refusal says when the next unit comes (an attempt that cannot succeed takes nothing).
            using var lease = _perAddress.AttemptAcquire(clientAddress);
            TooManyLookupsException.ThrowIfRefused(lease, _metrics, Policy);
        }
    }

    /// <summary>After a service key or peer token turned out unknown or invalid: one unit of the address's budget.</summary>
    public void Spend(string clientAddress) => _perAddress.AttemptAcquire(clientAddress).Dispose();

    /// <summary>Waits for a free lookup slot until <paramref name="deadline"/>; dispose the result to free it.</summary>
    /// <exception cref="HfUnavailableException">No slot came free before the deadline.</exception>
    public async Task<IDisposable> EnterAsync(CancellationToken deadline)
    {
        try
        {
            await _inFlight.WaitAsync(deadline);
        }
        catch (OperationCanceledException)
        {
            throw new HfUnavailableException("Hugging Face could not be asked in time: too many identity lookups were already waiting.");
        }
        return new SemaphoreSlot(_inFlight);
    }

    public void Dispose()
    {
        _perAddress.Dispose();
        _inFlight.Dispose();
    }
}
