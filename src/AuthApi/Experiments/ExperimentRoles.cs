using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

/// <summary>
/// The one place that decides roles, by HF user id: global admin (configured ids) › owner (a current admin of the
/// experiment's HF organization, as the Hub says in the caller's identity, or an explicit owner grant) › moderator
/// (granted per experiment) › participant. Nothing is owned for having created it.
/// </summary>
public sealed class ExperimentRoles(IOptionsMonitor<ModerationOptions> options)
{
    public bool IsGlobalAdmin(HfIdentity user) => options.CurrentValue.GlobalAdminIds.Contains(user.Id, StringComparer.Ordinal);

    /// <summary>Global admins create anywhere; an admin of an HF org creates for that org, as in the reference server.</summary>
    public bool CanCreateFor(Caller caller, string organizationName) => caller.IsGlobalAdmin || caller.User.IsAdminOf(organizationName);

    /// <summary>
    /// Moving an experiment from one organization to another: global admins, or admins (by the Hub) of both. An explicit
    /// owner grant is not enough: a grant never outranks the organization it was granted in.
    /// </summary>
    public bool CanMove(Caller caller, string fromOrganization, string toOrganization) =>
        caller.IsGlobalAdmin || (caller.User.IsAdminOf(fromOrganization) && caller.User.IsAdminOf(toOrganization));

    public ExperimentRole RoleIn(Experiment experiment, Caller caller) => RoleIn(experiment, caller.User, caller.IsGlobalAdmin);

    /// <param name="experiment">Loaded with its <see cref="Experiment.Members"/>.</param>
    public ExperimentRole RoleIn(Experiment experiment, HfIdentity user, bool isGlobalAdmin)
    {
        if (isGlobalAdmin || user.IsAdminOf(experiment.OrganizationName))
        {
            return ExperimentRole.Owner;
        }
        return experiment.Members.FirstOrDefault(m => m.UserId == user.Id)?.Role ?? ExperimentRole.None;
    }
}
