using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Authorization;

/// <summary>Who an endpoint is for, as declared where it is mapped (see <see cref="AccessRules"/>).</summary>
public enum Audience
{
    /// <summary>Anyone, without resolving any token.</summary>
    Anyone,

    /// <summary>Any signed-in Hugging Face user.</summary>
    SignedInUsers,

    /// <summary>Configured global admins.</summary>
    GlobalAdmins,

    /// <summary>Signed-in users with at least <see cref="AccessRule.MinimumRole"/> in the route's experiment.</summary>
    ExperimentMembers,

    /// <summary>A service key of the route's experiment holding <see cref="AccessRule.Scope"/>.</summary>
    ServiceKeys,

    /// <summary>A service key of the route's experiment holding <see cref="AccessRule.Scope"/>, or one of its peers (DPoP).</summary>
    Reporters,
}
