using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

/// <summary>An experiment loaded for someone who needs a role in it, or the ProblemDetails that refuses them.</summary>
public sealed record ExperimentForRole(Experiment? Experiment, HfIdentity User, ExperimentRole Role, ProblemHttpResult? Refusal);

public static class ExperimentAccess
{
    /// <param name="doing">Completes "Only moderators and owners of org/model may …".</param>
    public static async Task<ExperimentForRole> FindForRoleAsync(
        this ModerationDb db, ExperimentRoles roles, string org, string model, ClaimsPrincipal principal, ExperimentRole minimum,
        string doing, CancellationToken ct)
    {
        var user = HfIdentity.FromPrincipal(principal);
        var experiment = await db.FindByNameAsync(org, model, ct);
        if (experiment is null)
        {
            return new(null, user, ExperimentRole.None, Problems.NotFound($"There is no experiment {org}/{model}."));
        }
        var role = roles.RoleIn(experiment, user);
        if (role < minimum)
        {
            var who = minimum == ExperimentRole.Owner ? "owners" : "moderators and owners";
            return new(experiment, user, role, Problems.Forbidden($"Only {who} of {org}/{model} may {doing}."));
        }
        return new(experiment, user, role, null);
    }
}
