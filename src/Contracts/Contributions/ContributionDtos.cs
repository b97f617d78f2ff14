namespace Moderation.Contracts.Contributions;

/// <summary>
/// One peer's metrics for one training step, as hivemind's auxiliary peers collect them (<c>LocalMetrics</c>).
/// <see cref="PeerPublicKey"/> is the peer's OpenSSH public key or its fingerprint (RFC 7638 thumbprint);
/// <see cref="Time"/> is Unix seconds, as Python's <c>time.time()</c> gives it.
/// </summary>
public sealed record ContributionReport(
    string? PeerPublicKey, long? Step, long? Samples, double? SamplesPerSecond, int? MiniSteps, double? Loss, double? Time)
{
    /// <summary>
    /// For System.Text.Json, which then sets the properties one by one: through the seven-argument constructor it kept
    /// each report's values boxed in an array first, ~250 bytes per report (a batch holds 1,000).
    /// </summary>
    public ContributionReport() : this(null, null, null, null, null, null, null)
    {
    }
}

public sealed record ContributionBatch(IReadOnlyList<ContributionReport>? Reports);

/// <summary>What a batch did: <see cref="Stored"/> new reports, <see cref="Duplicates"/> already known (per peer key and step).</summary>
public sealed record ContributionBatchResponse(int Received, int Stored, int Duplicates);

/// <summary>A stored report as moderators see it, with what the leaderboard job made of it.</summary>
public sealed record ContributionReportResponse(
    long Id, string PeerKeyFingerprint, string? Username, long Step, long Samples, double SamplesPerSecond, int MiniSteps, double? Loss,
    DateTimeOffset Time, DateTimeOffset ReceivedAt, string ReportedBy, long? CreditedSamples, IReadOnlyList<string> Flags);

public sealed record LeaderboardEntryResponse(
    int? Rank, string? Username, string? PeerKeyFingerprint, string? AvatarUrl, long CreditedSamples, long ClaimedSamples,
    long RolledBackSamples, int ActiveHours, int Steps, DateTimeOffset LastSeen, IReadOnlyList<string> Flags);

public sealed record LeaderboardResponse(
    string Experiment, string Window, DateTimeOffset? BuiltAt, int Page, int PageSize, int Total, IReadOnlyList<LeaderboardEntryResponse> Entries);

/// <summary>One bucket of the history: what was credited, and what a rollback undid (shown, not counted).</summary>
public sealed record HistoryPoint(DateTimeOffset Time, long CreditedSamples, long RolledBackSamples = 0);

/// <summary>Credited samples over time: per hour for the 24h and 7d windows, per day for all.</summary>
public sealed record LeaderboardHistoryResponse(string Experiment, string Window, string? Username, string Bucket, IReadOnlyList<HistoryPoint> Points);

/// <summary>A run whose leaderboard is public: who may join it, how many are credited, and when someone last contributed.</summary>
public sealed record PublicLeaderboard(
    string OrganizationName, string ModelName, string Url, DateTimeOffset? BuiltAt, Experiments.AccessPolicy AccessPolicy = default, int Contributors = 0,
    DateTimeOffset? LastActivity = null);

/// <summary>What one run of the leaderboard job did.</summary>
public sealed record LeaderboardRefreshResponse(int ReportsProcessed, int ExperimentsRebuilt, DateTimeOffset BuiltAt);

public static class LeaderboardWindows
{
    public const string All = "all";
    public const string Week = "7d";
    public const string Day = "24h";
    public static readonly string[] Known = [All, Week, Day];

    /// <summary>How far back a window reaches; null for all time.</summary>
    public static TimeSpan? Span(string window) => window switch
    {
        Week => TimeSpan.FromDays(7),
        Day => TimeSpan.FromHours(24),
        _ => null,
    };
}

public static class ContributionFlags
{
    public const string Clipped = "clipped";
    public const string RolledBack = "rolled_back";
    public const string Banned = "banned";
    public const string Unattributed = "unattributed";
}
