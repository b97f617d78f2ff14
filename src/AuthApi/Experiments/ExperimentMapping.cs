using Moderation.AuthApi.Data;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

public static class ExperimentMapping
{
    /// <param name="coordinatorVisible">Only those who may join (and moderators and owners) learn where the coordinator is.</param>
    public static ExperimentResponse ToDto(this Experiment e, ExperimentRole yourRole, bool coordinatorVisible) => new(
        e.Id, e.OrganizationName, e.ModelName, coordinatorVisible ? e.CoordinatorIp : null, coordinatorVisible ? e.CoordinatorPort : null,
        e.AccessPolicy, e.TokenLifetimeMinutes, e.LeaderboardVisible, e.CreatedBy, e.CreatedAt, e.UpdatedAt, yourRole,
        e.AllowedCheckpointRepositories, e.MaxPeerKeysPerUser, coordinatorVisible);

    /// <summary>The whole record, as the audit log keeps it.</summary>
    public static ExperimentResponse ToAuditDto(this Experiment e) => e.ToDto(ExperimentRole.None, coordinatorVisible: true);

    public static ReferenceExperimentResponse ToReferenceDto(this Experiment e) => new(
        e.Id, e.OrganizationName, e.ModelName, e.CoordinatorIp, e.CoordinatorPort, e.CreatedBy, e.CreatedAt, e.UpdatedAt);

    public static ModeratorResponse ToDto(this ExperimentMember m) =>
        new(m.User?.Username ?? m.UserId, m.UserId, m.Role, m.GrantedBy, m.GrantedAt, m.SelfGranted);
}
