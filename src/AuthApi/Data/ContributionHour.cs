namespace Moderation.AuthApi.Data;

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
