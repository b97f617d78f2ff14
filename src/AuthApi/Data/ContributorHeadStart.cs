namespace Moderation.AuthApi.Data;

/// <summary>
/// An account's head-start allowance in an experiment: the work time its peer keys may be credited for beyond the time
/// this server has heard from them (work done before a key's first report). It holds at most
/// <c>Contributions:MaxIntervalSeconds</c> and refills one second per second; every new key of the account draws from it,
/// so a burst of fresh keys shares one head start (Contributions/CreditRule).
/// </summary>
public sealed class ContributorHeadStart
{
    public int ExperimentId { get; set; }

    /// <summary>The HF user id (an unattributed peer key is its own account and has no row: its head start is its own).</summary>
    public required string Contributor { get; set; }

    /// <summary>Seconds left at <see cref="At"/>.</summary>
    public double Seconds { get; set; }

    public DateTimeOffset At { get; set; }
}
