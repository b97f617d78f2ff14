namespace Moderation.AuthApi.Data;

/// <summary>
/// A peer key's time budget, by this server's clock: when its first and latest processed reports were received, and
/// how many seconds of work its reports have been credited for. A peer cannot have worked longer than that span and the
/// head start it drew from its account.
/// </summary>
public sealed class PeerProgress
{
    public int ExperimentId { get; set; }
    public required string PeerKeyFingerprint { get; set; }
    public DateTimeOffset FirstReceivedAt { get; set; }
    public DateTimeOffset LastReceivedAt { get; set; }
    public double CreditedSeconds { get; set; }

    /// <summary>Seconds of head start this key drew from its account's allowance (<see cref="ContributorHeadStart"/>), at most one interval.</summary>
    public double HeadStartSeconds { get; set; }
}
