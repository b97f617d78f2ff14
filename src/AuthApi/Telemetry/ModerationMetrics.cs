using System.Diagnostics;
using System.Diagnostics.Metrics;
using Moderation.AuthApi.Revocations;

namespace Moderation.AuthApi.Telemetry;

/// <summary>
/// The service's own metrics (meter <c>Moderation.AuthApi</c>), exported at <c>/metrics</c> with the HTTP server's.
/// Prometheus names: the instrument name with dots as underscores, plus <c>_total</c> for counters and
/// <c>_seconds_bucket/_sum/_count</c> for durations.
/// </summary>
public sealed class ModerationMetrics
{
    public const string MeterName = "Moderation.AuthApi";

    private readonly Counter<long> _joins;
    private readonly Histogram<double> _hubCalls;
    private readonly Counter<long> _identityCache;
    private readonly Counter<long> _jobRuns;
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _contributions;
    private readonly Counter<long> _rateLimitRefusals;

    public ModerationMetrics(IMeterFactory meters, RevocationListCache revocationLists)
    {
        var meter = meters.Create(MeterName);
        _joins = meter.CreateCounter<long>("moderation.joins", description: "Joins answered, by api (native, reference) and outcome.");
        _hubCalls = meter.CreateHistogram<double>("moderation.hub.lookup.duration", unit: "s",
            description: "Calls to the Hugging Face Hub for identities and users, by call and result.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _identityCache = meter.CreateCounter<long>("moderation.identity.cache", description: "Identity lookups by cache result: hit, miss, stale (served stale while the Hub failed).");
        _jobRuns = meter.CreateCounter<long>("moderation.jobs.runs", description: "Background job runs by job and outcome (succeeded, failed).");
        _jobDuration = meter.CreateHistogram<double>("moderation.jobs.duration", unit: "s", description: "Background job durations by job.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900] });
        _contributions = meter.CreateCounter<long>("moderation.contributions.ingested", description: "Contribution reports received, by result (stored, duplicate).");
        _rateLimitRefusals = meter.CreateCounter<long>("moderation.rate_limit.refusals", description: "Requests refused with 429 by the rate limiter, by policy.");
        meter.CreateObservableGauge("moderation.revocation_list.version", () => revocationLists.ServedVersions()
                .Select(v => new Measurement<long>(v.Version, new KeyValuePair<string, object?>("experiment", v.Experiment))),
            description: "The version of the revocation list this instance serves, per experiment.");
    }

    /// <param name="api"><c>native</c> or <c>reference</c>.</param>
    /// <param name="outcome"><c>issued</c>, <c>banned</c>, <c>not_admitted</c>, <c>unknown_experiment</c>, <c>invalid</c>, <c>refused</c> or <c>error</c>.</param>
    public void Join(string api, string outcome) =>
        _joins.Add(1, new TagList { { "api", api }, { "outcome", outcome } });

    /// <param name="call"><c>whoami</c>, <c>userinfo</c> or <c>user</c>.</param>
    /// <param name="result"><c>ok</c>, <c>rejected</c> (the Hub said no), <c>unavailable</c> or <c>circuit_open</c>.</param>
    public void HubCall(string call, string result, TimeSpan elapsed) =>
        _hubCalls.Record(elapsed.TotalSeconds, new TagList { { "call", call }, { "result", result } });

    /// <param name="result"><c>hit</c>, <c>miss</c> or <c>stale</c>.</param>
    public void IdentityCache(string result) => _identityCache.Add(1, new TagList { { "result", result } });

    public void JobRun(string job, bool succeeded, TimeSpan elapsed)
    {
        _jobRuns.Add(1, new TagList { { "job", job }, { "outcome", succeeded ? "succeeded" : "failed" } });
        _jobDuration.Record(elapsed.TotalSeconds, new TagList { { "job", job } });
    }

    public void ContributionsIngested(int stored, int duplicates)
    {
        _contributions.Add(stored, new TagList { { "result", "stored" } });
        _contributions.Add(duplicates, new TagList { { "result", "duplicate" } });
    }

    /// <summary>A request refused by a rate limit (<c>Infrastructure/RateLimits</c>) or the Hub lookup gate, by policy.</summary>
    public void RateLimitRefused(string policy) => _rateLimitRefusals.Add(1, new TagList { { "policy", policy } });
}
