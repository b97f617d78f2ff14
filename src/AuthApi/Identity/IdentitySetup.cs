using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Jobs;
using Moderation.AuthApi.ServiceKeys;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Identity;

public static class IdentitySetup
{
    public static IServiceCollection AddHuggingFaceIdentity(this IServiceCollection services)
    {
        services.AddOptions<HfOptions>().BindConfiguration(HfOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ModerationOptions>().BindConfiguration(ModerationOptions.Section)
            .Validate(o => o.GlobalAdmins is not { Length: > 0 },
                "Moderation:GlobalAdmins (HF usernames) is no longer read: list global admins by HF user id in Moderation:GlobalAdminIds "
                + "(a name can be renamed and taken over; 'id' in https://huggingface.co/api/whoami-v2).")
            .ValidateOnStart();
        services.AddMemoryCache();
        services.AddHubClients();
        services.AddSingleton<HubLookupGate>();
        services.AddSingleton<UserLookupGate>();
        services.AddHttpContextAccessor();
        services.AddSingleton<HfIdentityResolver>();
        services.AddSingleton<HubIdTokens>();
        services.AddSingleton<HfUsers>();
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<UsedProofs>();
        services.AddBackgroundJob<IUsedProofPurgeJob, UsedProofPurgeJob>();
        services.AddScoped<Caller>();
        services.AddHostedService<LegacyAccounts>();
        services.AddScoped<ServiceKeyAuthenticator>();
        services.AddSingleton<LiveServiceKeys>();
        services.AddScoped<PeerTokenAuthenticator>();
        // No default scheme: a request is authenticated only when its endpoint's policy asks (anonymous ones never are).
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        services.AddAuthentication(o =>
            {
                o.DefaultChallengeScheme = HfBearerHandler.SchemeName;
                o.DefaultForbidScheme = HfBearerHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, HfBearerHandler>(HfBearerHandler.SchemeName, null);
        services.AddAccessPolicies();
        return services;
    }
}
