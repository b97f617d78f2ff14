using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Checkpoints;

/// <summary>Changes nothing outside the database (the default for local runs).</summary>
public sealed class RegistryOnlyCheckpointStore : ICheckpointStore
{
    public Task ApplyAsync(Experiment experiment, Checkpoint target, CancellationToken ct) => Task.CompletedTask;
}
