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

/// <summary>
/// A contributor's credit in one hour: the unit the leaderboard is built from. A contributor is an HF user (<see cref="Contributor"/>
/// their user id), or an unattributed peer key (<see cref="Attributed"/> false, <see cref="Contributor"/> the fingerprint).
/// </summary>
public sealed class ContributionHour
{
    public int ExperimentId { get; set; }
    public required string Contributor { get; set; }
    public DateTimeOffset Hour { get; set; }
    public bool Attributed { get; set; }
    public long CreditedSamples { get; set; }
    public long ClaimedSamples { get; set; }
    public long RolledBackSamples { get; set; }
    public int Reports { get; set; }
    public int ClippedReports { get; set; }
    public DateTimeOffset LastSeen { get; set; }
}

/// <summary>One row of a built leaderboard: <see cref="Position"/> orders every row, <see cref="Rank"/> only ranked ones.</summary>
public sealed class LeaderboardEntry
{
    public int ExperimentId { get; set; }
    public required string TimeWindow { get; set; }
    public int Position { get; set; }
    public int? Rank { get; set; }
    public required string Contributor { get; set; }
    public bool Attributed { get; set; }
    public bool Banned { get; set; }
    public long CreditedSamples { get; set; }
    public long ClaimedSamples { get; set; }
    public long RolledBackSamples { get; set; }
    public int ActiveHours { get; set; }
    public int Steps { get; set; }
    public int ClippedReports { get; set; }
    public DateTimeOffset LastSeen { get; set; }
}

/// <summary>Where the leaderboard job stands for one experiment: its robust rate estimate and when its leaderboard was built.</summary>
public sealed class LeaderboardState
{
    public int ExperimentId { get; set; }
    public double? CentreSamplesPerSecond { get; set; }
    public DateTimeOffset? BuiltAt { get; set; }
}

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

/// <summary>The single row holding the id of the last report the leaderboard job processed.</summary>
public sealed class ContributionWatermark
{
    public int Id { get; set; }
    public long LastReportId { get; set; }
}
