namespace Moderation.AuthApi.Peers;

public static class PeerSetup
{
    public static IServiceCollection AddPeers(this IServiceCollection services)
    {
        services.AddSingleton<PeerKeyOwners>();
        services.AddScoped<PeerKeyConflicts>();
        return services;
    }
}
