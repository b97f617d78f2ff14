using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.Contracts.Tokens;

/// <summary>What checking a DPoP proof found: valid (with its <c>jti</c> for the replay check) or why not.</summary>
public sealed record DpopCheck(bool IsValid, string? Error, string? Jti = null, DateTimeOffset IssuedAt = default)
{
    public static DpopCheck Invalid(string error) => new(false, error);
}

/// <summary>
/// DPoP proofs (RFC 9449) made with a peer's own RSA key: a JWT with <c>typ: dpop+jwt</c>, the public key as <c>jwk</c> in
/// its header, and <c>jti</c>, <c>htm</c>, <c>htu</c>, <c>iat</c> and <c>ath</c> (the hash of the peer token it goes
/// with). A peer token sent with a valid proof shows the sender holds the private key the token is bound to
/// (<c>cnf.jkt</c>); a token seen on the network is not enough.
/// </summary>
public static class DpopProof
{
    public const string Type = "dpop+jwt";
    public const string HeaderName = "DPoP";
    public const string Scheme = "DPoP";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>A proof for one request: <paramref name="url"/> without query or fragment, signed RS256 with the peer key.</summary>
    public static string Create(RSA peerKey, string method, string url, string accessToken, DateTimeOffset now, string? jti = null)
    {
        var publicKey = peerKey.ExportParameters(false);
        var descriptor = new SecurityTokenDescriptor
        {
            TokenType = Type,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(peerKey), SecurityAlgorithms.RsaSha256),
            AdditionalHeaderClaims = new Dictionary<string, object>
            {
                ["jwk"] = new Dictionary<string, object>
                {
                    ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(publicKey.Modulus), ["e"] = Base64UrlEncoder.Encode(publicKey.Exponent),
                },
            },
            Claims = new Dictionary<string, object>
            {
                ["jti"] = jti ?? Guid.NewGuid().ToString("N"),
                ["htm"] = method,
                ["htu"] = url,
                ["iat"] = now.ToUnixTimeSeconds(),
                ["ath"] = AccessTokenHash(accessToken),
            },
        };
        return Handler.CreateToken(descriptor);
    }

    /// <summary>RFC 9449 <c>ath</c>: base64url of SHA-256 over the ASCII access token.</summary>
    public static string AccessTokenHash(string accessToken) => Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    /// <summary>
    /// Checks the proof's form and signature, that its key is <paramref name="expectedThumbprint"/>, that it is for this
    /// request (<paramref name="method"/>, one of <paramref name="urls"/>) and this token, and that it was made within
    /// <paramref name="window"/> of <paramref name="now"/>. Replays are the caller's to refuse, by <see cref="DpopCheck.Jti"/>.
    /// </summary>
    public static async Task<DpopCheck> VerifyAsync(
        string proof, string method, IReadOnlyCollection<string> urls, string accessToken, string expectedThumbprint, DateTimeOffset now,
        TimeSpan window)
    {
        if (proof.Length > 8192 || !Handler.CanReadToken(proof))
        {
            return DpopCheck.Invalid("The DPoP proof is not a compact JWT.");
        }
        JsonWebToken jwt;
        RSAParameters key;
        try
        {
            jwt = Handler.ReadJsonWebToken(proof);
            if (!TryReadJwk(jwt, out key))
            {
                return DpopCheck.Invalid("The DPoP proof's header must carry the peer's public RSA key as 'jwk' (kty, n, e; no private parts).");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or FormatException or SecurityTokenException)
        {
            return DpopCheck.Invalid("The DPoP proof is malformed.");
        }
        if (OpenSshRsaKey.JwkThumbprint(key) != expectedThumbprint)
        {
            return DpopCheck.Invalid("The DPoP proof is signed with another key than the one the peer token is bound to (cnf.jkt).");
        }
        // The proof decoded above is the one checked: it is not decoded a second time.
        var result = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(key),
            ValidTypes = [Type],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
        });
        if (!result.IsValid)
        {
            return DpopCheck.Invalid("The DPoP proof's type, algorithm or signature is not valid (typ dpop+jwt, RS256 or PS256).");
        }
        // Read with the JSON types the RFC gives them: the token library would also take "1700000000" for a number.
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        var claims = payload.RootElement;
        var (jti, htm, htu, ath) = (Text(claims, "jti"), Text(claims, "htm"), Text(claims, "htu"), Text(claims, "ath"));
        if (jti is not { Length: > 0 and <= 128 } || htm is null || htu is null)
        {
            return DpopCheck.Invalid("The DPoP proof must have 'jti' (at most 128 characters), 'htm', 'htu' and 'iat', the first three as strings.");
        }
        if (!claims.TryGetProperty("iat", out var iatClaim) || iatClaim.ValueKind != JsonValueKind.Number || !iatClaim.TryGetInt64(out var iat))
        {
            return DpopCheck.Invalid("The DPoP proof's 'iat' must be a JSON number: whole seconds since 1970 (not a string).");
        }
        if (!string.Equals(htm, method, StringComparison.Ordinal))
        {
            return DpopCheck.Invalid($"The DPoP proof is for {htm} requests, not {method}.");
        }
        if (!urls.Any(u => SameUrl(htu, u)))
        {
            return DpopCheck.Invalid($"The DPoP proof's 'htu' ({Cut(htu)}) is not this request's URL.");
        }
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(iat, 0, 253402300799));
        if (issuedAt < now - window || issuedAt > now + window)
        {
            return DpopCheck.Invalid($"The DPoP proof was made at {issuedAt:u}; proofs are accepted within {window.TotalSeconds:0} s of the server's time.");
        }
        if (ath != AccessTokenHash(accessToken))
        {
            return DpopCheck.Invalid("The DPoP proof's 'ath' is not the hash of the peer token it was sent with.");
        }
        return new DpopCheck(true, null, jti, issuedAt);
    }

    private static bool TryReadJwk(JsonWebToken jwt, out RSAParameters key)
    {
        key = default;
        using var header = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedHeader));
        if (!header.RootElement.TryGetProperty("jwk", out var jwk) || jwk.ValueKind != JsonValueKind.Object
            || jwk.TryGetProperty("d", out _) || !jwk.TryGetProperty("kty", out var kty) || kty.ValueKind != JsonValueKind.String
            || kty.GetString() != "RSA" || !jwk.TryGetProperty("n", out var n) || n.ValueKind != JsonValueKind.String
            || !jwk.TryGetProperty("e", out var e) || e.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        var modulus = Base64Url.Decode(n.GetString()!);
        var exponent = Base64Url.Decode(e.GetString()!);
        if (modulus.Length is < 256 or > 512 || exponent.Length is 0 or > 8)
        {
            return false;
        }
        key = new RSAParameters { Modulus = modulus, Exponent = exponent };
        return true;
    }

    private static string? Text(JsonElement claims, string claim) =>
        claims.ValueKind == JsonValueKind.Object && claims.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>RFC 9449 §4.3: compared without query and fragment; scheme and host without regard to case.</summary>
    private static bool SameUrl(string htu, string url) =>
        Uri.TryCreate(htu, UriKind.Absolute, out var a) && Uri.TryCreate(url, UriKind.Absolute, out var b)
        && string.Equals(a.GetLeftPart(UriPartial.Path), b.GetLeftPart(UriPartial.Path), StringComparison.OrdinalIgnoreCase)
        && a.AbsolutePath == b.AbsolutePath;

    private static string Cut(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
