using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Data;

public sealed class Experiment
{
    public int Id { get; set; }
    public required string OrganizationName { get; set; }
    public required string ModelName { get; set; }
    public string? CoordinatorIp { get; set; }
    public int? CoordinatorPort { get; set; }
    public AccessPolicy AccessPolicy { get; set; } = AccessPolicy.OrgMembers;
    public int TokenLifetimeMinutes { get; set; } = ExperimentLimits.DefaultTokenLifetimeMinutes;
    public bool LeaderboardVisible { get; set; } = true;

    /// <summary>
    /// Hub repositories (<c>owner/name</c>) whose checkpoints may be registered besides those of the experiment's own
    /// organization, added explicitly by owners.
    /// </summary>
    public List<string> AllowedCheckpointRepositories { get; set; } = [];

    /// <summary>How many peer keys one user may hold live tokens for at once in this experiment.</summary>
    public int MaxPeerKeysPerUser { get; set; } = ExperimentLimits.DefaultMaxPeerKeysPerUser;

    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ExperimentMember> Members { get; set; } = [];
    public List<ExperimentKey> Keys { get; set; } = [];
}
