namespace Moderation.Contracts.Tokens;

/// <summary>What a peer learns from checking another peer's token offline.</summary>
public sealed record PeerTokenVerification(
    bool IsValid, string? Reason, string? Username, DateTimeOffset? ExpiresAt, string? PeerKeyFingerprint, string? TokenId = null)
{
    public static PeerTokenVerification Invalid(string reason) => new(false, reason, null, null, null);
}

/// <summary>
/// Verifies peer tokens offline against an experiment's public keys: signature, expiry (with a small clock-skew
/// allowance), audience, and the binding to the peer key the presenting peer proved it holds.
/// </summary>
public sealed class PeerTokenVerifier(ExperimentKeySet keys, string audience, TimeProvider? clock = null, TimeSpan? clockSkew = null)
{
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(60);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private RevocationList? _revocations;

    /// <summary>The latest verified revocation list (see <c>RevocationListPoller</c>); tokens it names are refused.</summary>
    public RevocationList? Revocations
    {
        get => Volatile.Read(ref _revocations);
        set => Volatile.Write(ref _revocations, value);
    }
    private readonly TimeSpan _skew = clockSkew ?? DefaultClockSkew;

    /// <param name="expectedPeerKey">The OpenSSH key of the peer presenting the token, when known: the token must be bound to it.</param>
    public PeerTokenVerification VerifyHivemindAccess(HivemindAccess token, string? expectedPeerKey = null)
    {
        // Tokens read from JSON may lack fields whatever the record's types say.
        if (token.Username is null || token.Signature is null)
        {
            return PeerTokenVerification.Invalid("username and signature are required.");
        }
        if (!HivemindAccess.TryParseExpiration(token.ExpirationTime, out var expiration))
        {
            return PeerTokenVerification.Invalid("expiration_time is not a naive UTC ISO 8601 time.");
        }
        if (!OpenSshRsaKey.TryParse(token.PeerPublicKey, out var peerKey, out _))
        {
            return PeerTokenVerification.Invalid("peer_public_key is not a valid OpenSSH RSA key.");
        }
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(token.Signature);
        }
        catch (FormatException)
        {
            return PeerTokenVerification.Invalid("signature is not base64.");
        }
        var message = HivemindAccess.SignedMessage(token.Username, token.PeerPublicKey, expiration);
        if (!keys.All.Any(k => RsaPss.Verify(k.OpenSsl, message, signature)))
        {
            return PeerTokenVerification.Invalid("The signature does not match any key of this experiment.");
        }
        var expiresAt = new DateTimeOffset(expiration, TimeSpan.Zero);
        return Check(token.Username, expiresAt, null, peerKey!, expectedPeerKey, null, RevocationList.HivemindTokenId(token.Signature));
    }

    public PeerTokenVerification VerifyJwt(string token, string? expectedPeerKey = null)
    {
        var jwt = PeerJwt.Read(token);
        if (jwt is null)
        {
            return PeerTokenVerification.Invalid($"Not a well-formed {PeerJwt.Algorithm} JWT.");
        }
        var key = keys.ByKid(jwt.Kid);
        if (key is null)
        {
            return PeerTokenVerification.Invalid($"Unknown key id '{jwt.Kid}' for this experiment.");
        }
        if (!jwt.VerifySignature(key.Rsa))
        {
            return PeerTokenVerification.Invalid("The signature does not match.");
        }
        var claims = jwt.Claims;
        if (claims.Audience != audience)
        {
            return PeerTokenVerification.Invalid($"The token is for {claims.Audience}, not {audience}.");
        }
        if (DateTimeOffset.FromUnixTimeSeconds(claims.NotBefore) > _clock.GetUtcNow() + _skew)
        {
            return PeerTokenVerification.Invalid("The token is not valid yet.");
        }
        return Check(claims.Username, DateTimeOffset.FromUnixTimeSeconds(claims.Expires), claims.Confirmation.JwkThumbprint, null,
            expectedPeerKey, claims.TokenId, claims.TokenId);
    }

    private PeerTokenVerification Check(
        string username, DateTimeOffset expiresAt, string? boundFingerprint, OpenSshRsaKey? boundKey, string? expectedPeerKey, string? tokenId,
        string revocationId)
    {
        if (expiresAt + _skew < _clock.GetUtcNow())
        {
            return PeerTokenVerification.Invalid($"The token expired at {expiresAt:u}.");
        }
        var fingerprint = boundFingerprint ?? boundKey!.Fingerprint;
        if (expectedPeerKey is not null)
        {
            if (!OpenSshRsaKey.TryParse(expectedPeerKey, out var presented, out _) || presented!.Fingerprint != fingerprint)
            {
                return PeerTokenVerification.Invalid("The token is bound to another peer key.");
            }
        }
        if (Revocations is { } revocations)
        {
            if (revocations.IsBanned(username))
            {
                return PeerTokenVerification.Invalid($"{username} is banned (revocation list version {revocations.Version}).");
            }
            if (revocations.IsPeerKeyRevoked(fingerprint) || revocations.IsTokenRevoked(revocationId))
            {
                return PeerTokenVerification.Invalid($"The token was revoked (revocation list version {revocations.Version}).");
            }
        }
        return new PeerTokenVerification(true, null, username, expiresAt, fingerprint, tokenId);
    }
}
