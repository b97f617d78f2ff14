using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;

namespace Moderation.AuthApi.Identity;

public static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMe(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me", GetMe).ForSignedInUsers().WithTags("Identity")
            .WithName("GetMe").WithSummary("Who you are on Hugging Face, and your roles in this service.");
        return app;
    }

    private static async Task<MeResponse> GetMe(Caller caller, ModerationDb db, ExperimentRoles roles, TimeProvider clock, CancellationToken ct)
    {
        var user = caller.User;
        var adminOrgs = user.Orgs.Where(o => o.RoleInOrg == "admin").Select(o => o.Name.ToLowerInvariant()).ToList();
#pragma warning disable CA1304, CA1311, CA1862 // translated to SQL lower(): HF org names are unique regardless of case
        var experiments = await db.Experiments.AsNoTracking().Include(e => e.Members)
            .Where(e => e.Members.Any(m => m.UserId == user.Id) || adminOrgs.Contains(e.OrganizationName.ToLower()))
#pragma warning restore CA1304, CA1311, CA1862
            .OrderBy(e => e.OrganizationName).ThenBy(e => e.ModelName)
            .ToListAsync(ct);
        var bans = await Bans.BanStanding.LoadAsync(db, user.Id, clock.GetUtcNow(), ct);
        var grants = experiments
            .Select(e => new ExperimentRoleGrant(e.OrganizationName, e.ModelName, roles.RoleIn(e, caller, bans)))
            .Where(g => g.Role != ExperimentRole.None)
            .ToList();
        return new MeResponse(user.Id, user.Username, user.Fullname, user.AvatarUrl, user.EmailVerified, user.IsPro, user.Orgs,
            caller.IsGlobalAdmin, grants);
    }
}
