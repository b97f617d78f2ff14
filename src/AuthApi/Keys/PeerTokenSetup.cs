using Moderation.AuthApi.Join;

namespace Moderation.AuthApi.Keys;

public static class PeerTokenSetup
{
    /// <summary>Signing keys, joins and the peer tokens they issue.</summary>
    public static IServiceCollection AddPeerTokens(this IServiceCollection services)
    {
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KeyRing>();
        services.AddScoped<KeyRotationJob>();
        services.AddSingleton<PeerTokenIssuer>();
        services.AddSingleton<PeerTokenInspector>();
        services.AddScoped<JoinService>();
        return services;
    }
}
