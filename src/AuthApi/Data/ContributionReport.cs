namespace Moderation.AuthApi.Data;

/// <summary>
/// One peer's report for one training step, stored as received with whom it is credited to (<see cref="UserId"/>:
/// the owner of the peer key; null when we never issued a token for it). The leaderboard job processes reports
/// in id order (its watermark says how far); it writes <see cref="CreditedSamples"/> only for clipped reports — the
/// others are credited as claimed. A rollback marks reports after its target step <see cref="RolledBack"/>.
/// </summary>
public sealed class ContributionReport
{
    public long Id { get; set; }
    public int ExperimentId { get; set; }
    public required string PeerKeyFingerprint { get; set; }
    public long Step { get; set; }
    public long Samples { get; set; }
    public double SamplesPerSecond { get; set; }
    public int MiniSteps { get; set; }
    public double? Loss { get; set; }
    public DateTimeOffset Time { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public required string ReportedBy { get; set; }
    public string? UserId { get; set; }
    public long? CreditedSamples { get; set; }
    public bool Clipped { get; set; }
    public bool RolledBack { get; set; }
}
