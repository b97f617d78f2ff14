using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

/// <summary>
/// The one place that decides roles: global admin (configured) › owner (creator, admin of the experiment's HF org)
/// › moderator (granted per experiment) › participant.
/// </summary>
public sealed class ExperimentRoles(IOptionsMonitor<ModerationOptions> options)
{
    public bool IsGlobalAdmin(HfIdentity user) =>
        options.CurrentValue.GlobalAdmins.Contains(user.Username, StringComparer.OrdinalIgnoreCase);

    /// <summary>Global admins create anywhere; an admin of an HF org creates for that org, as in the reference server.</summary>
    public bool CanCreateFor(HfIdentity user, string organizationName) =>
        IsGlobalAdmin(user) || user.IsAdminOf(organizationName);

    /// <param name="experiment">Loaded with its <see cref="Experiment.Members"/>.</param>
    public ExperimentRole RoleIn(Experiment experiment, HfIdentity user)
    {
        if (IsGlobalAdmin(user) || user.IsAdminOf(experiment.OrganizationName))
        {
            return ExperimentRole.Owner;
        }
        var member = experiment.Members.FirstOrDefault(m => string.Equals(m.Username, user.Username, StringComparison.OrdinalIgnoreCase));
        return member?.Role ?? ExperimentRole.None;
    }
}
