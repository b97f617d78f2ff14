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
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<ExperimentMember> Members { get; set; } = [];
    public List<ExperimentKey> Keys { get; set; } = [];
}
