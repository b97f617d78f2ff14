using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Moderation.Contracts.Tokens;

namespace Moderation.Tests.Fuzz;

/// <summary>JWT-shaped credentials that the service never issued.</summary>
public static class FuzzTokens
{
    /// <summary>A JWT with a <c>cnf</c> claim and no <c>aud</c> (it once made every endpoint answer 500).</summary>
    public static string CnfWithoutAudience(RSA key) => Sign(key, "fuzz-kid", new Dictionary<string, object>
    {
        ["iss"] = "https://fuzz.example", ["sub"] = "1", ["preferred_username"] = "carol", ["jti"] = Guid.NewGuid().ToString(),
        ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(), ["cnf"] = new { jkt = Thumbprint(key) },
    });

    /// <summary>A complete peer token for <paramref name="audience"/> that expired an hour ago, signed by a key the service does not know.</summary>
    public static string ForgedExpired(RSA key, string audience) => Sign(key, "forged-kid", new Dictionary<string, object>
    {
        ["iss"] = "https://fuzz.example", ["sub"] = "1", ["preferred_username"] = "carol", ["aud"] = audience,
        ["iat"] = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds(), ["nbf"] = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds(),
        ["exp"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), ["jti"] = Guid.NewGuid().ToString(),
        ["cnf"] = new { jkt = Thumbprint(key) },
    });

    /// <summary>JWT-shaped bearer values with claims of the wrong types and sizes.</summary>
    public static IEnumerable<string> Malformed(RSA key)
    {
        string[] payloads =
        [
            "{\"aud\":[\"a\",\"b\"],\"cnf\":{\"jkt\":\"x\"}}", "{\"aud\":\"a/b\",\"cnf\":\"x\"}", "{\"aud\":\"a/b/c\",\"exp\":1e400}",
            "{\"aud\":\"demo-org/x\",\"exp\":9223372036854775807,\"nbf\":-9223372036854775808,\"cnf\":{\"jkt\":null}}",
            "{\"aud\":null,\"cnf\":{}}", "[]", "null", "{\"aud\":\"\\u0000/\\u0000\",\"cnf\":{\"jkt\":\"\\ud800\"}}",
        ];
        foreach (var payload in payloads)
        {
            yield return Encode("{\"alg\":\"PS256\",\"kid\":\"k\"}") + "." + Encode(payload) + ".c2ln";
        }
        yield return Encode("{\"alg\":\"none\"}") + "." + Encode("{\"aud\":\"demo-org/x\"}") + ".";
        yield return "eyJ" + new string('A', 6000) + ".eyJ.x";
        yield return CnfWithoutAudience(key);
    }

    private static string Sign(RSA key, string kid, Dictionary<string, object> claims)
    {
        var input = Encode(JsonSerializer.Serialize(new { alg = "PS256", typ = "JWT", kid })) + "." + Encode(JsonSerializer.Serialize(claims));
        return input + "." + Base64Url.Encode(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    private static string Thumbprint(RSA key) => OpenSshRsaKey.JwkThumbprint(key.ExportParameters(false));

    private static string Encode(string json) => Base64Url.Encode(Encoding.UTF8.GetBytes(json));
}
