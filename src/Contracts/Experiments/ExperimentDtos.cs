namespace Moderation.Contracts.Experiments;

/// <summary>Who may join an experiment besides its owners, moderators and allowlisted users.</summary>
public enum AccessPolicy
{
    /// <summary>Only the allowlist (plus owners and moderators).</summary>
    Allowlist,

    /// <summary>Members of the experiment's HF organization, plus the allowlist. The default, as in the reference server.</summary>
    OrgMembers,

    /// <summary>Any signed-in HF user who is not banned.</summary>
    Open,
}

/// <summary>A caller's role in one experiment; <c>None</c> is a participant.</summary>
public enum ExperimentRole
{
    None,
    Moderator,
    Owner,
}

public sealed record CreateExperimentRequest(
    string? OrganizationName,
    string? ModelName,
    string? CoordinatorIp = null,
    int? CoordinatorPort = null,
    AccessPolicy? AccessPolicy = null,
    int? TokenLifetimeMinutes = null,
    bool? LeaderboardVisible = null);

/// <summary>
/// Partial update: a field that is absent or null keeps its value. <see cref="InitialPeers"/> are the multiaddrs owners
/// type (an empty list clears them); an empty <see cref="TrainingScriptUrl"/> removes the link.
/// </summary>
public sealed record UpdateExperimentRequest(
    string? CoordinatorIp = null,
    int? CoordinatorPort = null,
    AccessPolicy? AccessPolicy = null,
    int? TokenLifetimeMinutes = null,
    bool? LeaderboardVisible = null,
    IReadOnlyList<string>? AllowedCheckpointRepositories = null,
    int? MaxPeerKeysPerUser = null,
    IReadOnlyList<string>? InitialPeers = null,
    string? TrainingScriptUrl = null);

/// <summary>
/// An experiment as its callers may see it. The coordinator, the initial peers (<see cref="InitialPeers"/> typed by owners,
/// <see cref="PublishedInitialPeers"/> published by its auxiliary peers) and the training script link are given only to
/// those who may join (and moderators and owners): <see cref="CoordinatorVisible"/> says which.
/// </summary>
public sealed record ExperimentResponse(
    int Id,
    string OrganizationName,
    string ModelName,
    string? CoordinatorIp,
    int? CoordinatorPort,
    AccessPolicy AccessPolicy,
    int TokenLifetimeMinutes,
    bool LeaderboardVisible,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ExperimentRole YourRole,
    IReadOnlyList<string> AllowedCheckpointRepositories,
    int MaxPeerKeysPerUser,
    bool CoordinatorVisible,
    IReadOnlyList<string> InitialPeers,
    IReadOnlyList<string> PublishedInitialPeers,
    string? TrainingScriptUrl);

public sealed record ExperimentPage(IReadOnlyList<ExperimentResponse> Items, int Page, int PageSize, int Total);

/// <summary>An explicit role grant (moderator, or owner granted by another owner); org admins own without a grant.</summary>
/// <param name="SelfGranted">Granted by its holder to themselves (before such grants were refused): it carries no power.</param>
public sealed record ModeratorResponse(string Username, string UserId, ExperimentRole Role, string GrantedBy, DateTimeOffset GrantedAt, bool SelfGranted = false);

public static class ExperimentLimits
{
    public const int DefaultTokenLifetimeMinutes = 60;
    public const int MinTokenLifetimeMinutes = 5;
    public const int MaxTokenLifetimeMinutes = 7 * 24 * 60;
    public const int DefaultMaxPeerKeysPerUser = 100;
    public const int MaxMaxPeerKeysPerUser = 10_000;
}
