using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Rollbacks;

public static class RollbackSetup
{
    public static IServiceCollection AddRollbacks(this IServiceCollection services) =>
        services.AddBackgroundJob<IRollbackJob, RollbackJob>().AddBackgroundJob<IRollbackSweepJob, RollbackSweepJob>();
}
