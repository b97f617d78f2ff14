namespace Moderation.AuthApi.Revocations;

public static class RevocationSetup
{
    public static IServiceCollection AddRevocations(this IServiceCollection services)
    {
        services.AddSingleton<RevocationChanges>();
        services.AddSingleton<RevocationListBuilder>();
        services.AddSingleton<RevocationListCache>();
        return services;
    }
}
