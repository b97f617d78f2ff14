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

/// <summary>
/// Endpoint metadata: the declared access rule. Every endpoint has exactly one (the authorization matrix test checks it),
/// and the filter and authorization policies enforce it, so handlers never repeat "may this caller do this?".
/// </summary>
/// <param name="Reference">A reference-compatible endpoint: every refusal is 401 with a <c>detail</c>.</param>
public sealed record AccessRule(Audience Audience, ExperimentRole MinimumRole = ExperimentRole.None, string? Scope = null, bool Reference = false)
{
    public bool LoadsExperiment => Audience is Audience.ExperimentMembers or Audience.ServiceKeys or Audience.Reporters;
}
