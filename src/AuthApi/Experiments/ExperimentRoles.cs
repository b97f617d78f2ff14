using Microsoft.Extensions.Options;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

/// <summary>
/// The one place that decides roles, by HF user id: global admin (configured ids) › owner (a current admin of the
/// experiment's HF organization, as the Hub says in the caller's identity, or an explicit owner grant) › moderator
/// (granted per experiment) › participant. Nothing is owned for having created it, nor by a grant one gave oneself; a
/// ban in force removes every power in its scope (<see cref="BanStanding"/>).
/// </summary>
public sealed class ExperimentRoles(IOptionsMonitor<ModerationOptions> options)
{
    public bool IsGlobalAdmin(HfIdentity user) => IsGlobalAdmin(user.Id);

    public bool IsGlobalAdmin(string userId) => options.CurrentValue.GlobalAdminIds.Contains(userId, StringComparer.Ordinal);

    /// <summary>Global admins create anywhere; an admin of an HF org creates for that org, as in the reference server.</summary>
    public bool CanCreateFor(Caller caller, string organizationName) => caller.IsGlobalAdmin || caller.User.IsAdminOf(organizationName);

    /// <summary>
    /// Moving an experiment from one organization to another: global admins, or admins (by the Hub) of both. An explicit
    /// owner grant is not enough: a grant never outranks the organization it was granted in.
    /// </summary>
    public bool CanMove(Caller caller, string fromOrganization, string toOrganization) =>
        caller.IsGlobalAdmin || (caller.User.IsAdminOf(fromOrganization) && caller.User.IsAdminOf(toOrganization));

    public ExperimentRole RoleIn(Experiment experiment, Caller caller, BanStanding bans) => RoleIn(experiment, caller.User, caller.IsGlobalAdmin, bans);

    /// <param name="experiment">Loaded with its <see cref="Experiment.Members"/>.</param>
    /// <param name="bans">The user's bans in force: one on this experiment, or a global one, leaves no role here.</param>
    public ExperimentRole RoleIn(Experiment experiment, HfIdentity user, bool isGlobalAdmin, BanStanding bans)
    {
        if (isGlobalAdmin)
        {
            return ExperimentRole.Owner;
        }
        if (bans.Binds(experiment.Id))
        {
            return ExperimentRole.None;
        }
        if (user.IsAdminOf(experiment.OrganizationName))
        {
            return ExperimentRole.Owner;
        }
        return experiment.Members.FirstOrDefault(m => m.UserId == user.Id && !m.SelfGranted)?.Role ?? ExperimentRole.None;
    }
}
