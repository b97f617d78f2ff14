namespace Moderation.AuthApi.Data;

/// <summary>
/// A join refused because the peer key belongs to someone else: one row per experiment, key and claimant, counting the
/// attempts, so moderators see who tried to use whose key.
/// </summary>
public sealed class PeerKeyConflict
{
    public int ExperimentId { get; set; }
    public required string PeerKeyFingerprint { get; set; }
    public required string ClaimantUserId { get; set; }
    public required string OwnerUserId { get; set; }
    public DateTimeOffset FirstAttemptAt { get; set; }
    public DateTimeOffset LastAttemptAt { get; set; }
    public int Attempts { get; set; }
}
