namespace Moderation.AuthApi.Data;

/// <summary>
/// Who a peer key belongs to: the first user a token was issued for with it, in any experiment. Nobody else is ever
/// issued a token for that key, so a key seen on the network cannot be claimed by another account.
/// </summary>
public sealed class PeerKey
{
    /// <summary>RFC 7638 thumbprint of the key.</summary>
    public required string Fingerprint { get; set; }
    public required string UserId { get; set; }
    public int FirstExperimentId { get; set; }
    public DateTimeOffset ClaimedAt { get; set; }
}
