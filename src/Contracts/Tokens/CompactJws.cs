using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.Contracts.Tokens;

/// <summary>Documents an experiment signs for its peers (revocation list, current checkpoint): compact JWS, PS256, <c>kid</c> and <c>typ</c> in the header.</summary>
public static class CompactJws
{
    public static string Sign<T>(T payload, string type, SigningCredentials credentials) =>
        PeerJwt.Handler.CreateToken(JsonSerializer.Serialize(payload), credentials, new Dictionary<string, object> { [JwtHeaderParameterNames.Typ] = type });

    /// <summary>The payload when the signature matches one of <paramref name="keys"/> and the header says <paramref name="type"/>; else null with the reason.</summary>
    public static async Task<(T? Payload, string? Error)> VerifyAsync<T>(string jws, ExperimentKeySet keys, string type) where T : class
    {
        var result = await PeerJwt.Handler.ValidateTokenAsync(jws.Trim(), keys.DocumentParameters(type));
        if (!result.IsValid)
        {
            return (null, result.Exception switch
            {
                SecurityTokenInvalidTypeException or SecurityTokenInvalidAlgorithmException => $"Not a {PeerJwt.Algorithm} {type}.",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The signature does not match a key of this experiment.",
                _ => "The document is malformed.",
            });
        }
        try
        {
            var payload = JsonSerializer.Deserialize<T>(Base64Url.Decode(((JsonWebToken)result.SecurityToken).EncodedPayload));
            return payload is null ? (null, "The document is malformed.") : (payload, null);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return (null, "The document is malformed.");
        }
    }
}
