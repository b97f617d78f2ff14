using Moderation.AuthApi.Data;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

public static class ExperimentMapping
{
    public static ExperimentResponse ToDto(this Experiment e, ExperimentRole yourRole) => new(
        e.Id, e.OrganizationName, e.ModelName, e.CoordinatorIp, e.CoordinatorPort, e.AccessPolicy,
        e.TokenLifetimeMinutes, e.LeaderboardVisible, e.CreatedBy, e.CreatedAt, e.UpdatedAt, yourRole);

    public static ReferenceExperimentResponse ToReferenceDto(this Experiment e) => new(
        e.Id, e.OrganizationName, e.ModelName, e.CoordinatorIp, e.CoordinatorPort, e.CreatedBy, e.CreatedAt, e.UpdatedAt);

    public static ModeratorResponse ToDto(this ExperimentMember m) => new(m.Username, m.Role, m.GrantedBy, m.GrantedAt);
}
