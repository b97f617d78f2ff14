namespace Moderation.AuthApi.Revocations;

/// <summary>
/// Tells this replica's revocation-list cache that a ban, unban or revocation was committed, so the next request
/// rebuilds the list at once. Other replicas rebuild within their cache lifetime (one second).
/// </summary>
public sealed class RevocationChanges
{
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    public void Committed() => Interlocked.Increment(ref _generation);
}
