using Moderation.AuthApi.Access;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Join;
using Moderation.AuthApi.JoinRequests;
using Moderation.AuthApi.Revocations;
using Moderation.ServiceDefaults;

namespace Moderation.AuthApi.Keys;

public static class PeerTokenSetup
{
    public static IServiceCollection AddPeerTokens(this IServiceCollection services)
    {
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateDataAnnotations()
            // Behind a proxy the request's own origin is not the public one: a peer token's iss must not depend on it.
            .Validate<IHostEnvironment>((o, env) => env.IsLocal() || !string.IsNullOrWhiteSpace(o.Issuer),
                "Tokens:Issuer must be set outside Development: the public https origin of this service (e.g. https://auth.example.org), " +
                "written into every peer token's iss.")
            .ValidateOnStart();
        services.AddSingleton<KeyRing>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ExperimentCache>();
        services.AddSingleton<ExperimentCreation>();
        services.AddSingleton<JoinAccess>();
        services.AddSingleton<PeerTokenIssuer>();
        services.AddSingleton<PeerTokenInspector>();
        services.AddScoped<KeyRotationJob>();
        services.AddSingleton<JoinRequestRecorder>();
        services.AddSingleton<BanService>();
        services.AddSingleton<RevocationChanges>();
        services.AddSingleton<RevocationListCache>();
        services.AddScoped<BanExpiryJob>();
        return services;
    }
}
