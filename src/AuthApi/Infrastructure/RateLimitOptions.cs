using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Infrastructure;

/// <summary>
/// Every rate limit, per minute with a burst (token buckets); 0 turns a limit off. Client addresses are the
/// connection's, or the forwarded client's when the request came through a configured trusted proxy.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Reads of public endpoints (JWKS, revocation list, current checkpoint, leaderboards, pages) per client address.</summary>
    [Range(0, int.MaxValue)]
    public int AnonymousReadsPerMinute { get; set; } = 3000;

    [Range(1, int.MaxValue)]
    public int AnonymousReadBurst { get; set; } = 500;

    /// <summary>Changes (POST, PUT, PATCH, DELETE) per signed-in user or service key.</summary>
    [Range(0, int.MaxValue)]
    public int WritesPerMinute { get; set; } = 300;

    [Range(1, int.MaxValue)]
    public int WriteBurst { get; set; } = 60;

    /// <summary>Joins per user: enough for a lab starting dozens of peers at once; a flood of fresh keys stops within a second.</summary>
    [Range(0, int.MaxValue)]
    public int JoinsPerMinute { get; set; } = 120;

    [Range(1, int.MaxValue)]
    public int JoinBurst { get; set; } = 60;

    /// <summary>Contribution batches per service key or reporting peer.</summary>
    [Range(0, int.MaxValue)]
    public int ReportBatchesPerMinute { get; set; } = 1200;

    [Range(1, int.MaxValue)]
    public int ReportBatchBurst { get; set; } = 200;

    /// <summary>Lookups of tokens the identity cache does not know (each one is a call to the Hub), per client address.</summary>
    [Range(0, int.MaxValue)]
    public int UnknownTokenLookupsPerMinute { get; set; } = 60;

    [Range(1, int.MaxValue)]
    public int UnknownTokenLookupBurst { get; set; } = 10;

    /// <summary>Identity lookups in flight to the Hub at once, from this instance; more wait their turn (bounded by the lookup timeout).</summary>
    [Range(1, 1000)]
    public int ConcurrentHubLookups { get; set; } = 16;

    /// <summary>Lookups of Hugging Face names the cache does not know (typed into a filter, a grant, a ban, an import), per signed-in user or service key.</summary>
    [Range(0, int.MaxValue)]
    public int NameLookupsPerMinute { get; set; } = 60;

    [Range(1, int.MaxValue)]
    public int NameLookupBurst { get; set; } = 50;

    /// <summary>
    /// Lookups of names in allowlist imports, per signed-in user: a budget of their own, big enough for a real run's
    /// sign-up sheet at once (a few hundred volunteers) and then as slow as single lookups.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int ImportNameLookupsPerMinute { get; set; } = 60;

    [Range(1, int.MaxValue)]
    public int ImportNameLookupBurst { get; set; } = 500;

    /// <summary>The same, for this instance as a whole: what all moderators together may ask the Hub about names.</summary>
    [Range(0, int.MaxValue)]
    public int InstanceNameLookupsPerMinute { get; set; } = 600;

    [Range(1, int.MaxValue)]
    public int InstanceNameLookupBurst { get; set; } = 1000;

    /// <summary>Name lookups in flight to the Hub at once, from this instance.</summary>
    [Range(1, 1000)]
    public int ConcurrentNameLookups { get; set; } = 4;
}
