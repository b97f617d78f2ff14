using Moderation.AuthApi.Access;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Join;

namespace Moderation.AuthApi.Keys;

public static class PeerTokenSetup
{
    public static IServiceCollection AddPeerTokens(this IServiceCollection services)
    {
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KeyRing>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ExperimentCache>();
        services.AddSingleton<JoinAccess>();
        services.AddSingleton<PeerTokenIssuer>();
        services.AddScoped<KeyRotationJob>();
        return services;
    }
}
