namespace Moderation.AuthApi.Bans;

public static class BanSetup
{
    public static IServiceCollection AddBans(this IServiceCollection services)
    {
        services.AddScoped<BanService>();
        services.AddScoped<BanActions>();
        return services;
    }
}
