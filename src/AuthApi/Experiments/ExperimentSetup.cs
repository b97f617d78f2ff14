namespace Moderation.AuthApi.Experiments;

public static class ExperimentSetup
{
    public static IServiceCollection AddExperiments(this IServiceCollection services)
    {
        services.AddSingleton<ExperimentRoles>();
        services.AddSingleton<ExperimentCache>();
        services.AddScoped<ExperimentService>();
        services.AddScoped<Grants>();
        return services;
    }
}
