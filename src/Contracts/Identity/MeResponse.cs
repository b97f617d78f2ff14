using Moderation.Contracts.Experiments;

namespace Moderation.Contracts.Identity;

public sealed record HfOrgMembership(string Name, string? RoleInOrg);

public sealed record ExperimentRoleGrant(string OrganizationName, string ModelName, ExperimentRole Role);

/// <summary>The caller as Hugging Face knows them, and their roles in this service.</summary>
public sealed record MeResponse(
    string Id,
    string Username,
    string? Fullname,
    string? AvatarUrl,
    bool EmailVerified,
    bool IsPro,
    IReadOnlyList<HfOrgMembership> Orgs,
    bool IsGlobalAdmin,
    IReadOnlyList<ExperimentRoleGrant> Experiments);
