using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// How many samples a report is credited with — the rule the README documents under "No credit for lying":
/// <list type="number">
/// <item>Work time: what the report's own figures imply, samples ÷ samples/s, at most
/// <see cref="CreditOptions.MaxIntervalSeconds"/>.</item>
/// <item>Time budget: a peer key cannot have worked longer than this server has been hearing from it — the span between
/// the first and the latest receipt of its reports, plus <see cref="CreditOptions.MaxIntervalSeconds"/> for the work
/// before its first report. Reports are granted work time from that budget in the order they arrive. The budget is
/// measured by this server's clock, so the times peers put in their reports cannot stretch it, and it does not care in
/// which order reports arrive.</item>
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

    /// <summary>The work time a peer key has left to be credited, given when this server heard from it and what it was credited so far.</summary>
    public TimeSpan Budget(DateTimeOffset firstReceived, DateTimeOffset lastReceived, double creditedSeconds)
    {
        var left = (lastReceived - firstReceived) + MaxInterval - TimeSpan.FromSeconds(creditedSeconds);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
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
