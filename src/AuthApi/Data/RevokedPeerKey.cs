namespace Moderation.AuthApi.Data;

/// <summary>A peer key a moderator revoked in one experiment: its tokens are void and it is never signed again there.</summary>
public sealed class RevokedPeerKey
{
    public int ExperimentId { get; set; }
    public required string PeerKeyFingerprint { get; set; }
    public required string UserId { get; set; }
    public required string RevokedBy { get; set; }
    public DateTimeOffset RevokedAt { get; set; }
    public required string Reason { get; set; }
}
