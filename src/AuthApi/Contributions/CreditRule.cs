using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Contributions;

public sealed class CreditOptions
{
    public const string Section = "Contributions";

    /// <summary>A rate above this many times the robust centre of the peers' rates is implausible (honest fast GPUs stay under it).</summary>
    [Range(1.0, 100.0)]
    public double ClipMultiplier { get; set; } = 3.0;

    /// <summary>
    /// CenteredClip's τ for the centre, on the natural-log scale of rates (0.5: offsets beyond ×1.65 pull no harder).
    /// Small, so one liar among a few peers moves the centre little.
    /// </summary>
    [Range(0.01, 5.0)]
    public double CentreTau { get; set; } = 0.5;

    /// <summary>The longest interval one report can be credited for (a peer back from a break starts afresh).</summary>
    [Range(1, 86_400)]
    public int MaxIntervalSeconds { get; set; } = 600;

    /// <summary>A step's own peers set the centre only when at least this many reported it; otherwise the last centre is used.</summary>
    [Range(2, 1000)]
    public int MinPeersForCentre { get; set; } = 3;
}

/// <summary>
/// How many samples a report is credited with — the rule the README documents under "No credit for lying":
/// <list type="number">
/// <item>Interval: the time since the same peer key's previous report; for a peer's first report, or one more than
/// <see cref="CreditOptions.MaxIntervalSeconds"/> after its previous one, the time its own figures imply
/// (samples ÷ samples/s), at most that maximum. A report not later than the peer's previous one gets no interval.</item>
/// <item>Rate: samples ÷ interval. The centre of a step is the CenteredClip estimate of its peers' rates, taken on a
/// log scale (a peer twice as fast and one twice as slow weigh alike) with a small τ, so a liar barely drags it.</item>
/// <item>Credit: what was claimed, when its rate is at most centre × multiplier. A claim above that is implausible: it
/// is credited what a typical peer did in the interval (centre × interval) and flagged <c>clipped</c> for moderators —
/// so inflating a claim never earns more than an ordinary peer, while honest peers up to the multiplier get it all.</item>
/// </list>
/// </summary>
public sealed class CreditRule(CreditOptions options)
{
    public CreditOptions Options => options;

    public TimeSpan Interval(long samples, double samplesPerSecond, DateTimeOffset time, DateTimeOffset? previous)
    {
        var max = TimeSpan.FromSeconds(options.MaxIntervalSeconds);
        if (previous is { } before)
        {
            var since = time - before;
            if (since <= TimeSpan.Zero)
            {
                return TimeSpan.Zero;
            }
            if (since <= max)
            {
                return since;
            }
        }
        if (samplesPerSecond <= 0)
        {
            return max;
        }
        var implied = samples / samplesPerSecond;
        return implied >= max.TotalSeconds ? max : TimeSpan.FromSeconds(implied);
    }

    /// <returns>The robust centre of the rates (samples/s), or null when there are too few positive rates to tell.</returns>
    public double? Centre(IReadOnlyList<double> rates)
    {
        var logs = rates.Where(r => r > 0 && double.IsFinite(r)).Select(r => Math.Log(r)).ToList();
        return logs.Count < options.MinPeersForCentre ? null : Math.Exp(CenteredClip.Estimate(logs, options.CentreTau));
    }

    /// <summary>The credited samples of one report, given its interval and the centre rate (null: no centre known yet).</summary>
    public long Credit(long samples, TimeSpan interval, double? centre)
    {
        if (interval <= TimeSpan.Zero)
        {
            return 0;
        }
        if (centre is not { } c)
        {
            return samples;
        }
        var seconds = interval.TotalSeconds;
        return c * options.ClipMultiplier * seconds >= samples ? samples : (long)Math.Floor(Math.Min(samples, c * seconds));
    }
}
