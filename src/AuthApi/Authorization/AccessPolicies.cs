using Microsoft.AspNetCore.Authorization;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Authorization;

/// <summary>The authorization policies behind <see cref="AccessRules"/>: which kind of caller an endpoint accepts at all.</summary>
public static class AccessPolicies
{
    public const string CallerKindClaim = "caller_kind";
    public const string GlobalAdminClaim = "global_admin";

    public const string Users = "Users";
    public const string GlobalAdmins = "GlobalAdmins";
    public const string ServiceKeys = "ServiceKeys";
    public const string Reporters = "Reporters";

    public static IServiceCollection AddAccessPolicies(this IServiceCollection services)
    {
        services.AddScoped<ExperimentContext>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Users, p => Kind(p, CallerKind.User))
            .AddPolicy(GlobalAdmins, p => Kind(p, CallerKind.User).RequireClaim(GlobalAdminClaim, "true"))
            .AddPolicy(ServiceKeys, p => Kind(p, CallerKind.ServiceKey))
            .AddPolicy(Reporters, p => Kind(p, CallerKind.ServiceKey, CallerKind.Peer));
        return services;
    }

    private static AuthorizationPolicyBuilder Kind(AuthorizationPolicyBuilder policy, params CallerKind[] kinds) =>
        policy.AddAuthenticationSchemes(HfBearerHandler.SchemeName).RequireClaim(CallerKindClaim, kinds.Select(k => k.ToString()));

    /// <summary>Why a caller who is authenticated is not let in, in words for them.</summary>
    public static string Refusal(Caller caller, AccessRule? rule) => (caller.Kind, rule?.Audience) switch
    {
        (CallerKind.ServiceKey, Audience.ServiceKeys or Audience.Reporters) =>
            $"This service key may not do this: it needs the scope {rule!.Scope} in this experiment.",
        (CallerKind.ServiceKey, _) => "This endpoint needs a Hugging Face user's token; service keys may only report checkpoints and contributions.",
        (CallerKind.Peer, _) => "A peer token may only report its own peer's contributions; this endpoint needs a Hugging Face user's token or a service key.",
        (CallerKind.User, Audience.GlobalAdmins) => "Only global admins may do this.",
        (CallerKind.User, Audience.ServiceKeys or Audience.Reporters) => $"This endpoint is for auxiliary peers: send a service key with the scope {rule!.Scope}.",
        _ => "You may not do this.",
    };

    /// <summary>"moderators and owners" for a minimum role.</summary>
    public static string Holders(ExperimentRole minimum) => minimum == ExperimentRole.Owner ? "owners" : "moderators and owners";
}
