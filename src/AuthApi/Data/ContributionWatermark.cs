namespace Moderation.AuthApi.Data;

/// <summary>The single row holding the id of the last report the leaderboard job processed.</summary>
public sealed class ContributionWatermark
{
    public int Id { get; set; }
    public long LastReportId { get; set; }
}
