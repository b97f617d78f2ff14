using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Checkpoints;

/// <summary>Where checkpoints live outside this service; a rollback applies its target there.</summary>
public interface ICheckpointStore
{
    /// <exception cref="CheckpointStoreException">The store refused or failed; <see cref="CheckpointStoreException.Permanent"/> says whether trying again can help.</exception>
    Task ApplyAsync(Experiment experiment, Checkpoint target, CancellationToken ct);
}
