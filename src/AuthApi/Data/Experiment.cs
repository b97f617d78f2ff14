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

    /// <summary>Multiaddrs of the run's peers that owners typed (Settings), given to admitted participants.</summary>
    public List<string> InitialPeers { get; set; } = [];

    /// <summary>
    /// What the experiment's auxiliary peers published with their service keys (<see cref="ServiceKey.InitialPeers"/>),
    /// merged; recomputed whenever a key publishes or is revoked, so joins read it with the experiment.
    /// </summary>
    public List<string> PublishedInitialPeers { get; set; } = [];

    /// <summary>Where the run's training repository or script is, for the quick start.</summary>
    public string? TrainingScriptUrl { get; set; }

    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ExperimentMember> Members { get; set; } = [];
    public List<ExperimentKey> Keys { get; set; } = [];
}
