using Moderation.AuthApi.Jobs;
using Moderation.AuthApi.Join;
using Moderation.Contracts.Jobs;
using Moderation.ServiceDefaults;

namespace Moderation.AuthApi.Keys;

public static class PeerTokenSetup
{
    /// <summary>Signing keys, joins and the peer tokens they issue.</summary>
    public static IServiceCollection AddPeerTokens(this IServiceCollection services)
    {
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateDataAnnotations()
            // Behind a proxy the request's own origin is not the public one: a peer token's iss must not depend on it.
            .Validate<IHostEnvironment>((o, env) => env.IsLocal() || !string.IsNullOrWhiteSpace(o.Issuer),
                "Tokens:Issuer must be set outside Development: the public https origin of this service (e.g. https://auth.example.org), " +
                "written into every peer token's iss.")
            .ValidateOnStart();
        services.AddSingleton<KeyRing>();
        services.AddBackgroundJob<IKeyRotationJob, KeyRotationJob>();
        services.AddSingleton<IssuedTokenWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<IssuedTokenWriter>());
        services.AddSingleton<PeerTokenIssuer>();
        services.AddSingleton<PeerTokenInspector>();
        services.AddSingleton<StandingVersion>();
        services.AddSingleton<RejoinMemory>();
        services.AddScoped<JoinService>();
        return services;
    }
}
