using System.Security.Claims;
using System.Text.Json;
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
    public const string IdentityClaim = "hf_identity";

    public bool IsAdminOf(string organization) =>
        Orgs.Any(o => string.Equals(o.Name, organization, StringComparison.OrdinalIgnoreCase) && o.RoleInOrg == "admin");

    public bool IsMemberOf(string organization) =>
        Orgs.Any(o => string.Equals(o.Name, organization, StringComparison.OrdinalIgnoreCase));

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, Id),
                new Claim(ClaimTypes.Name, Username),
                new Claim(IdentityClaim, JsonSerializer.Serialize(this)),
            ],
            scheme);
        return new ClaimsPrincipal(identity);
    }

    public static HfIdentity FromPrincipal(ClaimsPrincipal principal)
    {
        var json = principal.FindFirstValue(IdentityClaim)
            ?? throw new InvalidOperationException("The request was not authenticated with a Hugging Face identity.");
        return JsonSerializer.Deserialize<HfIdentity>(json)!;
    }
}
