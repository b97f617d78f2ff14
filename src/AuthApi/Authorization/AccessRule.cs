using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Authorization;

/// <summary>
/// Endpoint metadata: the declared access rule. Every endpoint has exactly one (the authorization matrix test checks it),
/// and the filter and authorization policies enforce it, so handlers never repeat "may this caller do this?".
/// </summary>
/// <param name="Reference">A reference-compatible endpoint: every refusal is 401 with a <c>detail</c>.</param>
public sealed record AccessRule(Audience Audience, ExperimentRole MinimumRole = ExperimentRole.None, string? Scope = null, bool Reference = false)
{
    public bool LoadsExperiment => Audience is Audience.ExperimentMembers or Audience.ServiceKeys or Audience.Reporters;
}
