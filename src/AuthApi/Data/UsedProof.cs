namespace Moderation.AuthApi.Data;

/// <summary>
/// A DPoP proof already accepted (RFC 9449 §11.1): the same <c>jti</c> for the same key is refused until the proof would
/// have expired anyway, on every replica.
/// </summary>
public sealed class UsedProof
{
    public required string PeerKeyFingerprint { get; set; }
    public required string Jti { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
