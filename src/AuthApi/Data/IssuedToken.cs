namespace Moderation.AuthApi.Data;

/// <summary>A peer token we signed: for whom, bound to which peer key, with which key, until when; and whether it was revoked.</summary>
public sealed class IssuedToken
{
    /// <summary>The JWT's <c>jti</c>.</summary>
    public Guid Id { get; set; }
    public int ExperimentId { get; set; }
    public required string Username { get; set; }
    public required string UserId { get; set; }
    public required string PeerKeyFingerprint { get; set; }
    public required string PeerPublicKey { get; set; }
    public required string Kid { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public required string HivemindSignature { get; set; }
    public string? Jwt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public string? RevocationReason { get; set; }
}
