namespace Moderation.AuthApi.Rollbacks;

public static class RollbackSetup
{
    public static IServiceCollection AddRollbacks(this IServiceCollection services) => services.AddScoped<RollbackJob>().AddScoped<RollbackSweepJob>();
}
