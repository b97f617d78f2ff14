namespace Moderation.AuthApi.Data;

/// <summary>
/// A peer key's time budget, by this server's clock: when its first and latest processed reports were received, and
/// how many seconds of work its reports have been credited for. A peer cannot have worked longer than that span.
/// </summary>
public sealed class PeerProgress
{
    public int ExperimentId { get; set; }
    public required string PeerKeyFingerprint { get; set; }
    public DateTimeOffset FirstReceivedAt { get; set; }
    public DateTimeOffset LastReceivedAt { get; set; }
    public double CreditedSeconds { get; set; }
}
