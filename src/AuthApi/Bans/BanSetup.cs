using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Bans;

public static class BanSetup
{
    public static IServiceCollection AddBans(this IServiceCollection services)
    {
        services.AddScoped<BanService>();
        services.AddScoped<BanActions>();
        services.AddBackgroundJob<IBanExpiryJob, BanExpiryJob>();
        return services;
    }
}
