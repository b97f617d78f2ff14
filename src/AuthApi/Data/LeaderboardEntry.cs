namespace Moderation.AuthApi.Data;

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
