using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.Contracts.Tokens;

/// <summary>The claims of a peer JWT (PS256): who the peer acts for, for which experiment, bound to which peer key.</summary>
public sealed record PeerTokenClaims(
    [property: JsonPropertyName("iss")] string Issuer,
    [property: JsonPropertyName("sub")] string Subject,
    [property: JsonPropertyName("preferred_username")] string Username,
    [property: JsonPropertyName("aud")] string Audience,
    [property: JsonPropertyName("iat")] long IssuedAt,
    [property: JsonPropertyName("nbf")] long NotBefore,
    [property: JsonPropertyName("exp")] long Expires,
    [property: JsonPropertyName("jti")] string TokenId,
    [property: JsonPropertyName("cnf")] Confirmation Confirmation);

/// <summary>RFC 7800 proof-of-possession: <c>jkt</c> is the RFC 7638 thumbprint of the peer's public key.</summary>
public sealed record Confirmation([property: JsonPropertyName("jkt")] string JwkThumbprint);

/// <summary>
/// Peer JWTs and the experiment's signed documents are made and checked by <see cref="JsonWebTokenHandler"/>, PS256
/// only (.NET's RSA-PSS, salt = hash length, is exactly PS256).
/// </summary>
public static class PeerJwt
{
    public const string Algorithm = SecurityAlgorithms.RsaSsaPssSha256;
    public const string Type = "JWT";

    /// <summary>Longer than any peer JWT; refused before any decoding.</summary>
    public const int MaxLength = 8192;

    /// <summary>One handler for everything: it keeps no per-token state. Times are always written by the caller.</summary>
    internal static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>
    /// Signing credentials for an experiment key; make them once per key. The key is copied in by value so the
    /// library's cached signature provider owns its own RSA object, whatever the caller disposes.
    /// </summary>
    public static SigningCredentials Credentials(string kid, RSA privateKey) =>
        new(new RsaSecurityKey(privateKey.ExportParameters(true)) { KeyId = kid }, Algorithm);

    public static string Create(PeerTokenClaims claims, SigningCredentials credentials) => Handler.CreateToken(new SecurityTokenDescriptor
    {
        TokenType = Type,
        SigningCredentials = credentials,
        Claims = new Dictionary<string, object>
        {
            ["iss"] = claims.Issuer,
            ["sub"] = claims.Subject,
            ["preferred_username"] = claims.Username,
            ["aud"] = claims.Audience,
            ["iat"] = claims.IssuedAt,
            ["nbf"] = claims.NotBefore,
            ["exp"] = claims.Expires,
            ["jti"] = claims.TokenId,
            ["cnf"] = new Dictionary<string, object> { ["jkt"] = claims.Confirmation.JwkThumbprint },
        },
    });

    /// <summary>Decodes a JWT without trusting it (to learn which experiment it names). Null when it is not a well-formed peer JWT.</summary>
    public static ParsedJwt? Read(string? token)
    {
        if (token is null || token.Length > MaxLength || Parse(token) is not { } jwt)
        {
            return null;
        }
        return jwt.Alg == Algorithm && Claims(jwt) is { } claims ? new ParsedJwt(jwt.Kid, claims) { Token = jwt } : null;
    }

    /// <summary>Decodes a JWT (nothing checked yet) the way the verifier reads it; null when it is not a compact JWS with JSON header and payload.</summary>
    internal static JsonWebToken? Parse(string token)
    {
        try
        {
            return new JsonWebToken(token, ReadClaim);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or SecurityTokenException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads <c>cnf</c> straight into its <c>jkt</c> (the library would otherwise build a JsonDocument for the object);
    /// every other claim the library's own way. Passed to the library as its <see cref="TryReadJwtClaim"/> hook.
    /// </summary>
    internal static bool ReadClaim(ref Utf8JsonReader reader, JwtSegmentType segment, string name, out object? value)
    {
        value = null;
        if (segment != JwtSegmentType.Payload || name != "cnf" || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        string? jkt = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isJkt = reader.ValueTextEquals("jkt"u8);
            reader.Read();
            if (isJkt)
            {
                jkt = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            reader.Skip();
        }
        value = new ConfirmationClaim(jkt);
        return true;
    }

    /// <summary>The peer-token claims of a decoded JWT; null when one is missing or of the wrong kind.</summary>
    internal static PeerTokenClaims? Claims(JsonWebToken jwt) => TryReadClaims(jwt, out var c)
        ? new PeerTokenClaims(c.Issuer, c.Subject, c.Username, c.Audience, c.IssuedAt, c.NotBefore, c.Expires, c.TokenId, new Confirmation(c.Thumbprint))
        : null;

    /// <summary>The peer-token claims of a decoded JWT without allocating; false when one is missing or of the wrong kind.</summary>
    internal static bool TryReadClaims(JsonWebToken jwt, out ClaimValues claims)
    {
        claims = default;
        if (!jwt.TryGetPayloadValue<string>("iss", out var issuer) || !jwt.TryGetPayloadValue<string>("sub", out var subject)
            || !jwt.TryGetPayloadValue<string>("preferred_username", out var username) || !jwt.TryGetPayloadValue<string>("aud", out var audience)
            || !jwt.TryGetPayloadValue<long>("iat", out var issuedAt) || !jwt.TryGetPayloadValue<long>("nbf", out var notBefore)
            || !jwt.TryGetPayloadValue<long>("exp", out var expires) || !jwt.TryGetPayloadValue<string>("jti", out var tokenId)
            || !jwt.TryGetPayloadValue<ConfirmationClaim>("cnf", out var confirmation) || confirmation?.Jkt is not { } thumbprint
            || issuer is null || subject is null || username is null || audience is null || tokenId is null)
        {
            return false;
        }
        claims = new ClaimValues(issuer, subject, username, audience, issuedAt, notBefore, expires, tokenId, thumbprint);
        return true;
    }

    internal readonly record struct ClaimValues(
        string Issuer, string Subject, string Username, string Audience, long IssuedAt, long NotBefore, long Expires, string TokenId, string Thumbprint);

    private sealed record ConfirmationClaim(string? Jkt);

    /// <summary>A decoded peer JWT; <see cref="Token"/> is what the verifier checks, so the token is decoded once.</summary>
    public sealed record ParsedJwt(string? Kid, PeerTokenClaims Claims)
    {
        internal JsonWebToken Token { get; init; } = null!;
    }
}
