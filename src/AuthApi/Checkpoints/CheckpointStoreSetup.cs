using Microsoft.Extensions.Options;

namespace Moderation.AuthApi.Checkpoints;

public static class CheckpointStoreSetup
{
    public static IServiceCollection AddCheckpointStore(this IServiceCollection services)
    {
        services.AddOptions<CheckpointStoreOptions>().BindConfiguration(CheckpointStoreOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Store != "hub" || !string.IsNullOrEmpty(o.HubToken), "Checkpoints:HubToken is required when Checkpoints:Store is 'hub'.")
            .ValidateOnStart();
        services.AddSingleton<HubBranchCheckpointStore>();
        services.AddSingleton<RegistryOnlyCheckpointStore>();
        services.AddSingleton<ICheckpointStore>(sp => sp.GetRequiredService<IOptions<CheckpointStoreOptions>>().Value.Store == "hub"
            ? sp.GetRequiredService<HubBranchCheckpointStore>()
            : sp.GetRequiredService<RegistryOnlyCheckpointStore>());
        return services;
    }
}
