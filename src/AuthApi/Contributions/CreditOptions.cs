using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Contributions;

public sealed class CreditOptions
{
    public const string Section = "Contributions";

    /// <summary>A rate above this many times the robust centre of the peers' rates is implausible (honest fast GPUs stay under it).</summary>
    [Range(1.0, 100.0)]
    public double ClipMultiplier { get; set; } = 3.0;

    /// <summary>
    /// CenteredClip's τ for the centre, on the natural-log scale of rates (0.5: offsets beyond ×1.65 pull no harder).
    /// Small, so one liar among a few peers moves the centre little.
    /// </summary>
    [Range(0.01, 5.0)]
    public double CentreTau { get; set; } = 0.5;

    /// <summary>The most work one report can stand for, and the head start a peer's time budget begins with.</summary>
    [Range(1, 86_400)]
    public int MaxIntervalSeconds { get; set; } = 600;

    /// <summary>A step's own peers set the centre only when at least this many reported it; otherwise the last centre is used.</summary>
    [Range(2, 1000)]
    public int MinPeersForCentre { get; set; } = 3;

    /// <summary>When the leaderboard job runs (cron; every minute by default).</summary>
    public string LeaderboardCron { get; set; } = "* * * * *";
}
