using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

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
        services.AddHttpClient(HfIdentityResolver.HttpClientName, (sp, client) =>
        {
            var baseUrl = sp.GetRequiredService<IOptions<HfOptions>>().Value.BaseUrl.TrimEnd('/') + "/";
            client.BaseAddress = new Uri(baseUrl);
            // The resolver bounds each lookup itself (HfOptions.TimeoutSeconds).
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
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
