using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Authorization;

/// <summary>
/// How endpoints declare who may call them, where they are mapped (on a route group or one endpoint). Each sets the
/// <see cref="AccessRule"/> metadata, the authorization policy for the kind of caller, and for experiment-scoped rules
/// the <see cref="ExperimentAccessFilter"/>, which loads the experiment once and refuses callers without the role.
/// </summary>
public static class AccessRules
{
    /// <summary>Anyone; no token is ever resolved for these endpoints.</summary>
    public static TBuilder ForAnyone<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous().WithMetadata(new AccessRule(Audience.Anyone));

    public static TBuilder ForSignedInUsers<TBuilder>(this TBuilder builder, bool reference = false) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessPolicies.Users).WithMetadata(new AccessRule(Audience.SignedInUsers, Reference: reference));

    public static TBuilder ForGlobalAdmins<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessPolicies.GlobalAdmins).WithMetadata(new AccessRule(Audience.GlobalAdmins));

    /// <summary>Signed-in users with at least <paramref name="minimum"/> in the experiment the route names (None: any signed-in user).</summary>
    public static TBuilder ForExperimentRole<TBuilder>(this TBuilder builder, ExperimentRole minimum, bool reference = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessPolicies.Users)
            .WithMetadata(new AccessRule(Audience.ExperimentMembers, minimum, Reference: reference))
            .AddExperimentFilter();

    /// <summary>Service keys of the route's experiment holding <paramref name="scope"/>.</summary>
    public static TBuilder ForServiceKeys<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessPolicies.ServiceKeys).WithMetadata(new AccessRule(Audience.ServiceKeys, Scope: scope)).AddExperimentFilter();

    /// <summary>Service keys of the route's experiment holding <paramref name="scope"/>, or its peers proving their key (DPoP).</summary>
    public static TBuilder ForReporters<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(AccessPolicies.Reporters).WithMetadata(new AccessRule(Audience.Reporters, Scope: scope)).AddExperimentFilter();

    private static TBuilder AddExperimentFilter<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            // Once per endpoint, however many rules a group and its endpoint declare (the most specific rule applies).
            if (!endpoint.FilterFactories.Contains(ExperimentAccessFilter.Factory))
            {
                endpoint.FilterFactories.Insert(0, ExperimentAccessFilter.Factory);
            }
        });
        return builder;
    }
}
