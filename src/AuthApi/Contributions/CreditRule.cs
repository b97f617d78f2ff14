using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// How many samples a report is credited with — the rule the README documents under "No credit for lying":
/// <list type="number">
/// <item>Work time: what the report's own figures imply, samples ÷ samples/s, at most
/// <see cref="CreditOptions.MaxIntervalSeconds"/>.</item>
/// <item>Time budget: a peer key cannot have worked longer than this server has been hearing from it — the span between
/// the first and the latest receipt of its reports — plus a head start for the work before its first report. Reports are
/// granted work time from that budget in the order they arrive. The budget is measured by this server's clock, so the
/// times peers put in their reports cannot stretch it, and it does not care in which order reports arrive.</item>
/// <item>Shared head start: the head start is not a key's own. Each account (HF user) has one allowance of at most
/// <see cref="CreditOptions.MaxIntervalSeconds"/>, refilled one second per second of this server's clock; a key draws
/// from it what its span does not cover, at most one interval in its life. So however many fresh keys an account brings,
/// together they start with one peer's head start, and keys with a history earn by their own span. (An unattributed key is
/// its own account.)</item>
/// <item>Rate and centre: a report's rate is samples ÷ work time. The centre of a step is the CenteredClip estimate of its
/// peers' rates, on a log scale (a peer twice as fast and one twice as slow weigh alike) with a small τ.</item>
/// <item>Credit: the samples for the granted time, when the rate is at most centre × multiplier. Above that the claim is
/// implausible: it earns what a typical peer did in the granted time (centre × time). Any report credited less than it
/// claimed is flagged <c>clipped</c> for moderators.</item>
/// </list>
/// </summary>
public sealed class CreditRule(CreditOptions options)
{
    public CreditOptions Options => options;

    private TimeSpan MaxInterval => TimeSpan.FromSeconds(options.MaxIntervalSeconds);

    /// <summary>The work a report stands for, by its own figures.</summary>
    public TimeSpan WorkTime(long samples, double samplesPerSecond)
    {
        if (samples <= 0)
        {
            return TimeSpan.Zero;
        }
        if (samplesPerSecond <= 0)
        {
            return MaxInterval;
        }
        var seconds = samples / samplesPerSecond;
        return seconds >= MaxInterval.TotalSeconds ? MaxInterval : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The work time a peer key has left to be credited from its own span and the head start it has drawn.</summary>
    public TimeSpan Budget(DateTimeOffset firstReceived, DateTimeOffset lastReceived, double creditedSeconds, double headStartSeconds)
    {
        var left = (lastReceived - firstReceived) + TimeSpan.FromSeconds(headStartSeconds - creditedSeconds);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>How much head start a key that drew <paramref name="drawnSeconds"/> so far may still draw (one interval in all).</summary>
    public double HeadStartCap(double drawnSeconds) => Math.Max(0, options.MaxIntervalSeconds - drawnSeconds);

    /// <summary>An account's allowance at <paramref name="now"/>: what was left, refilled one second per second, up to one interval.</summary>
    internal HeadStart Refill(HeadStart? allowance, DateTimeOffset now)
    {
        if (allowance is not { } a)
        {
            return new HeadStart(options.MaxIntervalSeconds, now);
        }
        var elapsed = Math.Max(0, (now - a.At).TotalSeconds);
        return new HeadStart(Math.Min(options.MaxIntervalSeconds, a.Seconds + elapsed), now > a.At ? now : a.At);
    }

    /// <returns>The robust centre of the rates (samples/s), or null when there are too few positive rates to tell.</returns>
    public double? Centre(IReadOnlyList<double> rates)
    {
        var logs = rates.Where(r => r > 0 && double.IsFinite(r)).Select(r => Math.Log(r)).ToList();
        return logs.Count < options.MinPeersForCentre ? null : Math.Exp(CenteredClip.Estimate(logs, options.CentreTau));
    }

    /// <summary>
    /// The credited samples of one report: <paramref name="granted"/> of its <paramref name="workTime"/> came out of the
    /// peer's budget; <paramref name="centre"/> is null while no centre is known.
    /// </summary>
    public long Credit(long samples, TimeSpan workTime, TimeSpan granted, double? centre)
    {
        if (samples <= 0 || workTime <= TimeSpan.Zero || granted <= TimeSpan.Zero)
        {
            return 0;
        }
        var share = Math.Min(1.0, granted / workTime);
        var rate = samples / workTime.TotalSeconds;
        if (centre is { } c && rate > c * options.ClipMultiplier)
        {
            return (long)Math.Floor(Math.Min(samples, c * granted.TotalSeconds));
        }
        return share >= 1.0 ? samples : (long)Math.Floor(samples * share);
    }
}
