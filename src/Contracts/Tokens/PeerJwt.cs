using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

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

/// <summary>Writes and reads compact PS256 JWTs. Only PS256 is accepted, whatever a token's header claims.</summary>
public static class PeerJwt
{
    public const string Algorithm = "PS256";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public static string Create(PeerTokenClaims claims, string kid, RSA signingKey)
    {
        var header = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(new JwtHeader(Algorithm, "JWT", kid), Json));
        var payload = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(claims, Json));
        var signingInput = header + "." + payload;
        var signature = signingKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        return signingInput + "." + Base64Url.Encode(signature);
    }

    /// <summary>Splits and decodes a JWT without trusting it. Returns null when it is not a well-formed PS256 JWT.</summary>
    public static ParsedJwt? Read(string? token)
    {
        if (token is null || token.Length > 8192)
        {
            return null;
        }
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }
        try
        {
            var header = JsonSerializer.Deserialize<JwtHeader>(Base64Url.Decode(parts[0]), Json);
            var claims = JsonSerializer.Deserialize<PeerTokenClaims>(Base64Url.Decode(parts[1]), Json);
            var signature = Base64Url.Decode(parts[2]);
            if (header is null || claims is null || header.Alg != Algorithm || claims.Confirmation?.JwkThumbprint is null
                || claims.Audience is null || claims.Username is null || claims.TokenId is null || claims.Subject is null)
            {
                return null;
            }
            return new ParsedJwt(header.Kid, claims, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    public sealed record ParsedJwt(string? Kid, PeerTokenClaims Claims, byte[] SigningInput, byte[] Signature)
    {
        public bool VerifySignature(RSA key) =>
            key.VerifyData(SigningInput, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }

    private sealed record JwtHeader(
        [property: JsonPropertyName("alg")] string Alg,
        [property: JsonPropertyName("typ")] string? Typ,
        [property: JsonPropertyName("kid")] string? Kid);
}
