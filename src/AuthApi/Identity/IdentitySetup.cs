using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Moderation.AuthApi.Identity;

public static class IdentitySetup
{
    public const string ServiceKeyPolicy = "ServiceKey";
    public const string ContributionReporterPolicy = "ContributionReporter";

    public static IServiceCollection AddHuggingFaceIdentity(this IServiceCollection services)
    {
        services.AddOptions<HfOptions>().BindConfiguration(HfOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ModerationOptions>().BindConfiguration(ModerationOptions.Section);
        services.AddMemoryCache();
        services.AddHubClients();
        services.AddSingleton<HfIdentityResolver>();
        services.AddSingleton<HfUsers>();
        services.AddAuthentication(HfBearerHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HfBearerHandler>(HfBearerHandler.SchemeName, null);
        services.AddScoped<ServiceKeys.ServiceKeyAuthenticator>();
        services.AddScoped<PeerTokenAuthenticator>();
        services.AddAuthorizationBuilder()
            // Every RequireAuthorization() endpoint is for HF users; service keys go only where ServiceKeyPolicy says.
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(HfBearerHandler.SchemeName).RequireClaim(HfIdentity.IdentityClaim).Build())
            .AddPolicy(ServiceKeyPolicy, p => p.AddAuthenticationSchemes(HfBearerHandler.SchemeName)
                .RequireClaim(ServiceKeys.ServiceKeyAuthenticator.KeyIdClaim))
            // Contributions come from auxiliary peers (service keys) or from a peer itself (its peer token).
            .AddPolicy(ContributionReporterPolicy, p => p.AddAuthenticationSchemes(HfBearerHandler.SchemeName)
                .RequireAssertion(c => c.User.HasClaim(claim => claim.Type is ServiceKeys.ServiceKeyAuthenticator.KeyIdClaim or PeerTokenAuthenticator.PeerKeyClaim)));
        return services;
    }
}
