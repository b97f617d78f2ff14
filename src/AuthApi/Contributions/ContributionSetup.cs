using Microsoft.Extensions.Options;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Contributions;

public static class ContributionSetup
{
    public static IServiceCollection AddContributions(this IServiceCollection services)
    {
        services.AddOptions<CreditOptions>().BindConfiguration(CreditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new CreditRule(sp.GetRequiredService<IOptions<CreditOptions>>().Value));
        services.AddBackgroundJob<ILeaderboardJob, LeaderboardJob>();
        return services;
    }
}
