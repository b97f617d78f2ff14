namespace Moderation.AuthApi.Checkpoints;

/// <param name="permanent">True when trying again cannot help (the repository is not allowed, the revision does not exist).</param>
public sealed class CheckpointStoreException(string message, bool permanent = false) : Exception(message)
{
    public bool Permanent { get; } = permanent;
}
