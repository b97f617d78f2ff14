using Microsoft.Extensions.Options;


namespace Moderation.AuthApi.Contributions;

public static class ContributionSetup
{
    public static IServiceCollection AddContributions(this IServiceCollection services)
    {
        services.AddOptions<CreditOptions>().BindConfiguration(CreditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new CreditRule(sp.GetRequiredService<IOptions<CreditOptions>>().Value));
        services.AddScoped<LeaderboardJob>();
        return services;
    }
}
