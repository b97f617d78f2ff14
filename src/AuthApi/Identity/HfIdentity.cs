using Moderation.Contracts.Identity;

namespace Moderation.AuthApi.Identity;

/// <summary>A Hugging Face user as whoami-v2 or the OAuth userinfo endpoint describes them.</summary>
public sealed record HfIdentity(
    string Id,
    string Username,
    string? Fullname,
    string? Email,
    bool EmailVerified,
    bool IsPro,
    string? AvatarUrl,
    IReadOnlyList<HfOrgMembership> Orgs)
{
    public bool IsAdminOf(string organization) =>
        Orgs.Any(o => string.Equals(o.Name, organization, StringComparison.OrdinalIgnoreCase) && o.RoleInOrg == "admin");

    public bool IsMemberOf(string organization) =>
        Orgs.Any(o => string.Equals(o.Name, organization, StringComparison.OrdinalIgnoreCase));

    public HfUserRef Ref => new(Id, Username);
}

/// <summary>A Hugging Face account: its permanent id and its name in the Hub's spelling.</summary>
public sealed record HfUserRef(string Id, string Username);
