using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Resilience of every call to the Hugging Face Hub: a time limit per attempt and per call, retries with jittered
/// backoff for reads only, and a circuit breaker that, once the Hub keeps failing, answers at once (a fast 503) instead
/// of letting requests pile up behind a dead Hub. Identity lookups and the checkpoint store have a breaker each.
/// </summary>
public sealed class HubClientOptions
{
    public const string Section = "HuggingFace:Client";

    /// <summary>Time limit of one attempt.</summary>
    [Range(0.1, 120)]
    public double AttemptTimeoutSeconds { get; set; } = 4;

    /// <summary>Time limit of one call, retries included.</summary>
    [Range(0.2, 600)]
    public double TotalTimeoutSeconds { get; set; } = 10;

    /// <summary>Retries of a failed read (GET); writes are never retried here (the rollback job retries them itself).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>First backoff before a retry; later ones grow exponentially, with jitter.</summary>
    [Range(1, 60_000)]
    public int RetryDelayMilliseconds { get; set; } = 200;

    /// <summary>The breaker opens when at least this share of the calls in the sampling window failed…</summary>
    [Range(0.01, 1)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>…and the window held at least this many calls.</summary>
    [Range(2, 10_000)]
    public int BreakerMinimumCalls { get; set; } = 10;

    /// <summary>The sampling window (at least twice the attempt time limit).</summary>
    [Range(1, 3600)]
    public double BreakerSamplingSeconds { get; set; } = 30;

    /// <summary>How long an open breaker refuses calls before letting one through to test the Hub.</summary>
    [Range(0.5, 3600)]
    public double BreakSeconds { get; set; } = 15;
}
