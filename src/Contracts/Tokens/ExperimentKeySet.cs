using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.Contracts.Tokens;

/// <summary>One public key of an experiment's key ring, as published at its JWKS endpoint (RFC 7517).</summary>
public sealed record JsonWebKey(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("use")] string? Use,
    [property: JsonPropertyName("alg")] string? Alg,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("n")] string N,
    [property: JsonPropertyName("e")] string E)
{
    public static JsonWebKey FromRsa(string kid, RSAParameters parameters) => new(
        "RSA", "sig", PeerJwt.Algorithm, kid, Base64Url.Encode(parameters.Modulus), Base64Url.Encode(parameters.Exponent));

    public RSAParameters ToRsaParameters() => new() { Modulus = Base64Url.Decode(N), Exponent = Base64Url.Decode(E) };
}

public sealed record JsonWebKeySet([property: JsonPropertyName("keys")] IReadOnlyList<JsonWebKey> Keys);

/// <summary>
/// The public keys a peer trusts for one experiment: everything in its JWKS (current and recently retired keys), or
/// the single <c>auth_server_public_key</c> a reference-compatible join returned. Build it once and reuse it: JWTs and
/// documents are checked by the JWT library against its keys (through OpenSSL with reused contexts where OpenSSL 3 is,
/// see <see cref="OpenSslPs256"/>), and hivemind_access signatures by OpenSSL verifiers made at the first such check.
/// </summary>
public sealed class ExperimentKeySet : IDisposable
{
    private readonly RSAParameters[] _parameters;
    private readonly RsaSecurityKey[] _securityKeys;
    private readonly Lazy<PssVerifier[]> _hivemind;

    private ExperimentKeySet(IReadOnlyList<(string? Kid, RSAParameters Parameters)> keys, bool useOpenSsl)
    {
        _parameters = keys.Select(k => k.Parameters).ToArray();
        // By value: no key object is shared with the caller, so what the library caches never sees a disposed key.
        _securityKeys = keys.Select(k => OpenSslPs256.Key(k.Kid, k.Parameters, useOpenSsl)).ToArray();
        _hivemind = new Lazy<PssVerifier[]>(() => _parameters.Select(p => new PssVerifier(p, RsaPss.SaltLengthAuto)).ToArray());
    }

    public int Count => _parameters.Length;

    public static ExperimentKeySet FromJwks(JsonWebKeySet jwks) => FromJwks(jwks, RsaPss.IsSupported);

    /// <param name="useOpenSsl">False: JWTs are checked by the library's own RSA-PSS, as where OpenSSL 3 is absent.</param>
    internal static ExperimentKeySet FromJwks(JsonWebKeySet jwks, bool useOpenSsl) => new(jwks.Keys
        .Where(k => k.Kty == "RSA" && (k.Alg is null || k.Alg == PeerJwt.Algorithm))
        .Select(k => ((string?)k.Kid, k.ToRsaParameters()))
        .ToList(), useOpenSsl);

    public static ExperimentKeySet FromOpenSsh(string authServerPublicKey) =>
        new([(null, OpenSshRsaKey.Parse(authServerPublicKey).Parameters)], RsaPss.IsSupported);

    /// <summary>The keys as the JWT library takes them.</summary>
    internal IReadOnlyList<SecurityKey> SecurityKeys => _securityKeys;

    /// <summary>Verifiers for hivemind_access (any PSS salt), made at the first check; throws <see cref="PlatformNotSupportedException"/> without OpenSSL 3.</summary>
    internal IReadOnlyList<PssVerifier> HivemindVerifiers => _hivemind.Value;

    /// <summary>Whether JWT signatures are checked through OpenSSL (<see cref="OpenSslPs256"/>) rather than the library's own RSA-PSS.</summary>
    internal bool ChecksJwtsWithOpenSsl => _securityKeys.Any(k => k is OpenSslPs256.OpenSslKey);

    /// <summary>How a signed document of <paramref name="type"/> is checked: PS256 by one of these keys, nothing else (documents carry no iss, aud or exp).</summary>
    internal TokenValidationParameters DocumentParameters(string type) => new()
    {
        IssuerSigningKeys = _securityKeys,
        ValidAlgorithms = [PeerJwt.Algorithm],
        ValidTypes = [type],
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = false,
        RequireExpirationTime = false,
    };

    public void Dispose()
    {
        foreach (var key in _securityKeys.OfType<OpenSslPs256.OpenSslKey>())
        {
            key.Dispose();
        }
        if (_hivemind.IsValueCreated)
        {
            foreach (var verifier in _hivemind.Value)
            {
                verifier.Dispose();
            }
        }
    }
}
