namespace Moderation.AuthApi.Data;

/// <summary>Where the leaderboard job stands for one experiment: its robust rate estimate and when its leaderboard was built.</summary>
public sealed class LeaderboardState
{
    public int ExperimentId { get; set; }
    public double? CentreSamplesPerSecond { get; set; }
    public DateTimeOffset? BuiltAt { get; set; }
}
