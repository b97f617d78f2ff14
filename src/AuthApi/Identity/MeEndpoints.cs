using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;

namespace Moderation.AuthApi.Identity;

public static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMe(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me", GetMe).RequireAuthorization().WithTags("Identity")
            .WithName("GetMe").WithSummary("Who you are on Hugging Face, and your roles in this service.");
        return app;
    }

    private static async Task<MeResponse> GetMe(ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        var user = HfIdentity.FromPrincipal(principal);
        var adminOrgs = user.Orgs.Where(o => o.RoleInOrg == "admin").Select(o => o.Name).ToList();
        var experiments = await db.Experiments.AsNoTracking().Include(e => e.Members)
            .Where(e => e.Members.Any(m => m.Username == user.Username) || adminOrgs.Contains(e.OrganizationName))
            .OrderBy(e => e.OrganizationName).ThenBy(e => e.ModelName)
            .ToListAsync(ct);
        var grants = experiments
            .Select(e => new ExperimentRoleGrant(e.OrganizationName, e.ModelName, roles.RoleIn(e, user)))
            .Where(g => g.Role != ExperimentRole.None)
            .ToList();
        return new MeResponse(user.Id, user.Username, user.Fullname, user.AvatarUrl, user.EmailVerified, user.IsPro, user.Orgs,
            roles.IsGlobalAdmin(user), grants);
    }
}
