using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.Contracts.Tokens;

/// <summary>What a peer learns from checking another peer's token offline.</summary>
public sealed record PeerTokenVerification(
    bool IsValid, string? Reason, string? Username, DateTimeOffset? ExpiresAt, string? PeerKeyFingerprint, string? TokenId = null)
{
    public static PeerTokenVerification Invalid(string reason) => new(false, reason, null, null, null);
}

/// <summary>
/// Verifies peer tokens offline against an experiment's public keys. JWTs through <see cref="JsonWebTokenHandler"/>:
/// PS256 signature by a key of the experiment, <c>typ</c>, <c>iss</c>, <c>aud</c>, and lifetime (with a small
/// clock-skew allowance); hivemind_access tokens by their RSA-PSS signature (OpenSSL 3) and expiry. Then, for both,
/// the binding to the peer key the presenting peer proved it holds, and the revocation list. Build one per
/// experiment and reuse it: it holds the validation parameters and a cache of parsed peer keys.
/// </summary>
public sealed class PeerTokenVerifier
{
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(60);

    private readonly ExperimentKeySet _keys;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _skew;
    private readonly TokenValidationParameters _parameters;
    private readonly Dictionary<string, SecurityKey[]> _keysByKid;
    private readonly SecurityKey[] _allKeys;
    private readonly PeerKeyCache _peerKeys = new();
    private RevocationList? _revocations;

    /// <param name="audience">The experiment, <c>org/model</c>.</param>
    /// <param name="issuer">The service that issues the experiment's tokens: its public origin (e.g. <c>https://auth.example.org</c>).</param>
    public PeerTokenVerifier(ExperimentKeySet keys, string audience, string issuer, TimeProvider? clock = null, TimeSpan? clockSkew = null)
    {
        _keys = keys;
        _clock = clock ?? TimeProvider.System;
        _skew = clockSkew ?? DefaultClockSkew;
        _allKeys = [.. keys.SecurityKeys];
        _keysByKid = _allKeys.Where(k => !string.IsNullOrEmpty(k.KeyId)).DistinctBy(k => k.KeyId, StringComparer.Ordinal)
            .ToDictionary(k => k.KeyId, k => new[] { k }, StringComparer.Ordinal);
        // Made once and only read afterwards. The signing key comes from the resolver (by kid, as the library would
        // match it, without the library copying the key list for every token); claims are read by PeerJwt.ReadClaim.
        _parameters = new TokenValidationParameters
        {
            IssuerSigningKeyResolver = ResolveSigningKeys,
            TryReadJwtClaim = PeerJwt.ReadClaim,
            ValidAlgorithms = [PeerJwt.Algorithm],
            ValidTypes = [PeerJwt.Type],
            ValidIssuer = issuer,
            ValidAudience = audience,
            RequireExpirationTime = true,
            ClockSkew = _skew,
            // The library's own lifetime check reads the machine clock (its TimeProvider setting is not public in 8.x);
            // its hook lets the verifier's clock decide, with the same skew and the library's exceptions.
            LifetimeValidator = ValidateLifetime,
        };
    }

    /// <summary>The latest verified revocation list (see <c>RevocationListPoller</c>); tokens it names are refused.</summary>
    public RevocationList? Revocations
    {
        get => Volatile.Read(ref _revocations);
        set => Volatile.Write(ref _revocations, value);
    }

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
        if (_peerKeys.Get(token.PeerPublicKey) is not { } peerKey)
        {
            return PeerTokenVerification.Invalid("peer_public_key is not a valid OpenSSH RSA key.");
        }
        if (!RsaPss.IsSupported)
        {
            return PeerTokenVerification.Invalid(
                "hivemind_access signatures (RSA-PSS with the maximum salt) can only be checked with OpenSSL 3, which is not available here; verify the JWT instead.");
        }
        Span<byte> signature = stackalloc byte[512];
        if (!Convert.TryFromBase64String(token.Signature, signature, out var length))
        {
            return PeerTokenVerification.Invalid("signature is not base64 of an RSA signature of at most 4096 bits.");
        }
        var messageLength = HivemindAccess.MaxMessageLength(token.Username, token.PeerPublicKey);
        var message = messageLength <= 2048 ? stackalloc byte[messageLength] : new byte[messageLength];
        message = message[..HivemindAccess.WriteSignedMessage(token.Username, token.PeerPublicKey, expiration, message)];
        if (!AnyKeyVerifies(message, signature[..length]))
        {
            return PeerTokenVerification.Invalid("The signature does not match any key of this experiment.");
        }
        var expiresAt = new DateTimeOffset(expiration, TimeSpan.Zero);
        if (expiresAt + _skew < _clock.GetUtcNow())
        {
            return PeerTokenVerification.Invalid($"The token expired at {expiresAt:u}.");
        }
        // The token names its own peer key: when the expected key is that very text, the binding holds without a lookup.
        var expected = string.Equals(expectedPeerKey, token.PeerPublicKey, StringComparison.Ordinal) ? null : expectedPeerKey;
        return Check(token.Username, expiresAt, peerKey.Fingerprint, expected, null, token.Signature);
    }

    /// <inheritdoc cref="VerifyHivemindAccess"/>
    public ValueTask<PeerTokenVerification> VerifyJwtAsync(string token, string? expectedPeerKey = null) =>
        token is null || token.Length > PeerJwt.MaxLength || PeerJwt.Parse(token) is not { } jwt
            ? ValueTask.FromResult(PeerTokenVerification.Invalid($"Not a well-formed {PeerJwt.Algorithm} JWT."))
            : VerifyJwtAsync(jwt, expectedPeerKey);

    /// <summary>Verifies a JWT already decoded by <see cref="PeerJwt.Read"/>, without decoding it again.</summary>
    /// <inheritdoc cref="VerifyHivemindAccess"/>
    public ValueTask<PeerTokenVerification> VerifyJwtAsync(PeerJwt.ParsedJwt token, string? expectedPeerKey = null) =>
        VerifyJwtAsync(token.Token, expectedPeerKey);

    private ValueTask<PeerTokenVerification> VerifyJwtAsync(JsonWebToken jwt, string? expectedPeerKey)
    {
        // With these parameters (no configuration manager, no asynchronous issuer check) the library finishes
        // synchronously; awaiting is only the fallback should that ever change.
        var validation = PeerJwt.Handler.ValidateTokenAsync(jwt, _parameters);
        return validation.IsCompletedSuccessfully
            ? ValueTask.FromResult(Verified(validation.Result, expectedPeerKey))
            : AwaitVerified(validation, expectedPeerKey);
    }

    private async ValueTask<PeerTokenVerification> AwaitVerified(Task<TokenValidationResult> validation, string? expectedPeerKey) =>
        Verified(await validation, expectedPeerKey);

    private PeerTokenVerification Verified(TokenValidationResult result, string? expectedPeerKey)
    {
        if (!result.IsValid)
        {
            return PeerTokenVerification.Invalid(Describe(result.Exception));
        }
        if (!PeerJwt.TryReadClaims((JsonWebToken)result.SecurityToken, out var claims))
        {
            return PeerTokenVerification.Invalid("The token lacks a peer-token claim (sub, preferred_username, jti, cnf.jkt…).");
        }
        return Check(claims.Username, DateTimeOffset.FromUnixTimeSeconds(claims.Expires), claims.Thumbprint, expectedPeerKey, claims.TokenId, null);
    }

    /// <summary>The first key with the kid the token names, as the library matches kids; every key when none has it (as the library then tries all).</summary>
    private SecurityKey[] ResolveSigningKeys(string token, SecurityToken securityToken, string kid, TokenValidationParameters parameters) =>
        kid is not null && _keysByKid.TryGetValue(kid, out var keys) ? keys : _allKeys;

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }
        if (notBefore is { } nbf && nbf > now + _skew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = nbf };
        }
        if (exp < now - _skew)
        {
            throw new SecurityTokenExpiredException("The token expired.") { Expires = exp };
        }
        return true;
    }

    private bool AnyKeyVerifies(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        foreach (var key in _keys.HivemindVerifiers)
        {
            if (key.Verify(message, signature))
            {
                return true;
            }
        }
        return false;
    }

    private string Describe(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException expired => $"The token expired at {new DateTimeOffset(expired.Expires, TimeSpan.Zero):u}.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidAudienceException => $"The token is not for {_parameters.ValidAudience}.",
        SecurityTokenInvalidIssuerException issuer => $"The token was issued by {issuer.InvalidIssuer}, not {_parameters.ValidIssuer}.",
        SecurityTokenSignatureKeyNotFoundException => "The token is signed with a key this experiment does not have.",
        SecurityTokenInvalidSignatureException => "The signature does not match.",
        SecurityTokenInvalidTypeException or SecurityTokenInvalidAlgorithmException => $"Not a {PeerJwt.Algorithm} JWT (typ JWT, alg {PeerJwt.Algorithm}).",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        _ => $"Not a well-formed {PeerJwt.Algorithm} JWT.",
    };

    /// <param name="tokenId">The JWT's jti, which the revocation list names.</param>
    /// <param name="hivemindSignature">A hivemind_access token's signature, whose id (<see cref="RevocationList.HivemindTokenId"/>) the list names.</param>
    private PeerTokenVerification Check(
        string username, DateTimeOffset expiresAt, string fingerprint, string? expectedPeerKey, string? tokenId, string? hivemindSignature)
    {
        if (expectedPeerKey is not null && _peerKeys.Get(expectedPeerKey)?.Fingerprint != fingerprint)
        {
            return PeerTokenVerification.Invalid("The token is bound to another peer key.");
        }
        if (Revocations is { } revocations)
        {
            if (revocations.IsBanned(username))
            {
                return PeerTokenVerification.Invalid($"{username} is banned (revocation list version {revocations.Version}).");
            }
            if (revocations.IsPeerKeyRevoked(fingerprint)
                || (hivemindSignature is null ? revocations.IsTokenRevoked(tokenId!) : revocations.IsHivemindTokenRevoked(hivemindSignature)))
            {
                return PeerTokenVerification.Invalid($"The token was revoked (revocation list version {revocations.Version}).");
            }
        }
        return new PeerTokenVerification(true, null, username, expiresAt, fingerprint, tokenId);
    }
}
