using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moderation.Contracts.Tokens;

/// <summary>Documents an experiment signs for its peers (revocation list, current checkpoint): compact JWS, PS256, <c>kid</c> and <c>typ</c> in the header.</summary>
public static class CompactJws
{
    public static string Sign<T>(T payload, string type, string kid, RSA key)
    {
        var header = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(new Header(PeerJwt.Algorithm, type, kid)));
        var body = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        var input = header + "." + body;
        return input + "." + Base64Url.Encode(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    /// <summary>The payload when the signature matches one of <paramref name="keys"/> and the header says <paramref name="type"/>; else null with the reason.</summary>
    public static T? Verify<T>(string jws, ExperimentKeySet keys, string type, out string? error) where T : class
    {
        error = null;
        var parts = jws.Trim().Split('.');
        if (parts.Length != 3)
        {
            error = "Not a compact JWS.";
            return null;
        }
        try
        {
            var header = JsonSerializer.Deserialize<Header>(Base64Url.Decode(parts[0]));
            if (header is null || header.Alg != PeerJwt.Algorithm || header.Typ != type)
            {
                error = $"Not a {PeerJwt.Algorithm} {type}.";
                return null;
            }
            var key = keys.ByKid(header.Kid);
            if (key is null || !key.Rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.Decode(parts[2]),
                    HashAlgorithmName.SHA256, RSASignaturePadding.Pss))
            {
                error = "The signature does not match a key of this experiment.";
                return null;
            }
            return JsonSerializer.Deserialize<T>(Base64Url.Decode(parts[1])) ?? throw new JsonException();
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            error = "The document is malformed.";
            return null;
        }
    }

    private sealed record Header(
        [property: JsonPropertyName("alg")] string Alg,
        [property: JsonPropertyName("typ")] string? Typ,
        [property: JsonPropertyName("kid")] string? Kid);
}
