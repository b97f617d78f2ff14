using System.Security.Cryptography;
using System.Text.Json.Serialization;

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
/// the single <c>auth_server_public_key</c> a reference-compatible join returned. Build it once and reuse it.
/// </summary>
public sealed class ExperimentKeySet : IDisposable
{
    private readonly List<TrustedKey> _keys;

    private ExperimentKeySet(List<TrustedKey> keys) => _keys = keys;

    public int Count => _keys.Count;

    public static ExperimentKeySet FromJwks(JsonWebKeySet jwks) => new(jwks.Keys
        .Where(k => k.Kty == "RSA" && (k.Alg is null || k.Alg == PeerJwt.Algorithm))
        .Select(k => new TrustedKey(k.Kid, k.ToRsaParameters()))
        .ToList());

    public static ExperimentKeySet FromOpenSsh(string authServerPublicKey) =>
        new([new TrustedKey(null, OpenSshRsaKey.Parse(authServerPublicKey).Parameters)]);

    internal IEnumerable<TrustedKey> All => _keys;

    internal TrustedKey? ByKid(string? kid) => kid is null ? null : _keys.FirstOrDefault(k => k.Kid == kid);

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    internal sealed class TrustedKey : IDisposable
    {
        public TrustedKey(string? kid, RSAParameters parameters)
        {
            Kid = kid;
            Rsa = RSA.Create(parameters);
            OpenSsl = RsaPss.Handle(parameters);
        }

        public string? Kid { get; }
        public RSA Rsa { get; }
        public SafeEvpPKeyHandle OpenSsl { get; }

        public void Dispose()
        {
            Rsa.Dispose();
            OpenSsl.Dispose();
        }
    }
}
