using Moderation.AuthApi.Data;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Experiments;

public static class ExperimentMapping
{
    /// <param name="coordinatorVisible">
    /// Only those who may join (and moderators and owners) learn where the coordinator and the initial peers are, and
    /// where the training script is.
    /// </param>
    public static ExperimentResponse ToDto(this Experiment e, ExperimentRole yourRole, bool coordinatorVisible) => new(
        e.Id, e.OrganizationName, e.ModelName, coordinatorVisible ? e.CoordinatorIp : null, coordinatorVisible ? e.CoordinatorPort : null,
        e.AccessPolicy, e.TokenLifetimeMinutes, e.LeaderboardVisible, e.CreatedBy, e.CreatedAt, e.UpdatedAt, yourRole,
        e.AllowedCheckpointRepositories, e.MaxPeerKeysPerUser, coordinatorVisible,
        coordinatorVisible ? e.InitialPeers : [], coordinatorVisible ? e.PublishedInitialPeers : [], coordinatorVisible ? e.TrainingScriptUrl : null);

    /// <summary>What a joining peer is given to dial: the owners' multiaddrs first, then those the auxiliary peers published.</summary>
    public static List<string> AllInitialPeers(this Experiment e) => Multiaddrs.Merge(e.InitialPeers, e.PublishedInitialPeers);

    /// <summary>The whole record, as the audit log keeps it.</summary>
    public static ExperimentResponse ToAuditDto(this Experiment e) => e.ToDto(ExperimentRole.None, coordinatorVisible: true);

    public static ReferenceExperimentResponse ToReferenceDto(this Experiment e) => new(
        e.Id, e.OrganizationName, e.ModelName, e.CoordinatorIp, e.CoordinatorPort, e.CreatedBy, e.CreatedAt, e.UpdatedAt);

    public static ModeratorResponse ToDto(this ExperimentMember m) =>
        new(m.User?.Username ?? m.UserId, m.UserId, m.Role, m.GrantedBy, m.GrantedAt, m.SelfGranted);
}
