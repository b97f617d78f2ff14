using System.Security.Cryptography;
using System.Text.Json;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Tokens;

namespace Moderation.Tests.Tokens;

/// <summary>Peer JWTs and signed documents as the JWT library makes and checks them: DESIGN.md's wire shape, iss, aud, typ, lifetime, signature.</summary>
public sealed class PeerJwtTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Issuer = "https://auth.example.org";
    private const string Audience = "demo-org/demo-model";

    private readonly RSA _authority = RSA.Create(2048);
    private readonly ExperimentKeySet _keys;

    public PeerJwtTests() =>
        _keys = ExperimentKeySet.FromJwks(new JsonWebKeySet([JsonWebKey.FromRsa("k1", _authority.ExportParameters(false))]));

    [Fact]
    public void JwtHasExactlyTheClaimsOfTheWireContract()
    {
        var token = Token();
        var parts = token.Split('.');
        using var header = JsonDocument.Parse(Base64Url.Decode(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url.Decode(parts[1]));
        Assert.Equal(["alg", "kid", "typ"], header.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("PS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal("k1", header.RootElement.GetProperty("kid").GetString());
        Assert.Equal(["aud", "cnf", "exp", "iat", "iss", "jti", "nbf", "preferred_username", "sub"],
            payload.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(Audience, payload.RootElement.GetProperty("aud").GetString());
        Assert.Equal(Now.AddHours(1).ToUnixTimeSeconds(), payload.RootElement.GetProperty("exp").GetInt64());
        Assert.Equal("thumb", payload.RootElement.GetProperty("cnf").GetProperty("jkt").GetString());
        // .NET's RSA-PSS (salt = hash length) is PS256: a plain RSA check of the signature agrees.
        using var check = RSA.Create(_authority.ExportParameters(false));
        Assert.True(check.VerifyData(System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.Decode(parts[2]),
            HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    [Fact]
    public async Task OnlyTheExpectedIssuerAudienceAndLifetimePass()
    {
        var verifier = Verifier(Now);
        var valid = await verifier.VerifyJwtAsync(Token());
        Assert.True(valid.IsValid, valid.Reason);
        Assert.Equal("bob", valid.Username);
        Assert.Equal("thumb", valid.PeerKeyFingerprint);

        Assert.Equal($"The token was issued by https://evil.example, not {Issuer}.",
            (await verifier.VerifyJwtAsync(Token(issuer: "https://evil.example"))).Reason);
        Assert.Equal($"The token is not for {Audience}.", (await verifier.VerifyJwtAsync(Token(audience: "demo-org/other"))).Reason);
        Assert.Contains("expired", (await Verifier(Now.AddHours(1).AddSeconds(61)).VerifyJwtAsync(Token())).Reason, StringComparison.Ordinal);
        Assert.True((await Verifier(Now.AddHours(1).AddSeconds(59)).VerifyJwtAsync(Token())).IsValid);
        Assert.Equal("The token is not valid yet.", (await Verifier(Now.AddSeconds(-61)).VerifyJwtAsync(Token())).Reason);
    }

    [Fact]
    public async Task SignedDocumentsAreCheckedForTheirTypeAndKey()
    {
        var credentials = PeerJwt.Credentials("k1", _authority);
        var list = new RevocationList(Audience, 7, Now.ToUnixTimeSeconds(), ["mallory"], [], []);
        var jws = list.Sign(credentials);

        var (verified, error) = await RevocationList.VerifyAsync(jws, _keys, Audience);
        Assert.Null(error);
        Assert.Equal(list.BannedUsernames, verified!.BannedUsernames);
        Assert.Equal(7, verified.Version);
        // A revocation list is not a current-checkpoint document, whatever key signed it.
        Assert.Equal("Not a PS256 current-checkpoint+jws.", (await CurrentCheckpoint.VerifyAsync(jws, _keys, Audience)).Error);
        // A peer JWT is not a document either.
        Assert.Null((await RevocationList.VerifyAsync(Token(), _keys, Audience)).List);
        using var foreign = RSA.Create(2048);
        Assert.Equal("The signature does not match a key of this experiment.",
            (await RevocationList.VerifyAsync(list.Sign(PeerJwt.Credentials("k1", foreign)), _keys, Audience)).Error);
    }

    [Fact]
    public async Task WithoutOpenSslTheLibrarysOwnRsaPssChecksJwtsAndDocuments()
    {
        // Where OpenSSL 3 is absent (Windows, macOS) the keys are the library's plain RSA keys; the checks are the same.
        Assert.Equal(RsaPss.IsSupported, _keys.ChecksJwtsWithOpenSsl);
        using var plain = ExperimentKeySet.FromJwks(new JsonWebKeySet([JsonWebKey.FromRsa("k1", _authority.ExportParameters(false))]), useOpenSsl: false);
        Assert.False(plain.ChecksJwtsWithOpenSsl);
        var verifier = new PeerTokenVerifier(plain, Audience, Issuer, new FixedClock(Now));

        Assert.True((await verifier.VerifyJwtAsync(Token())).IsValid);
        Assert.Contains("issued by", (await verifier.VerifyJwtAsync(Token(issuer: "https://evil.example"))).Reason, StringComparison.Ordinal);
        using var foreign = RSA.Create(2048);
        var forged = PeerJwt.Create(PeerJwt.Read(Token())!.Claims, PeerJwt.Credentials("k1", foreign));
        Assert.Equal("The signature does not match.", (await verifier.VerifyJwtAsync(forged)).Reason);
        var jws = new RevocationList(Audience, 1, 0, [], [], []).Sign(PeerJwt.Credentials("k1", _authority));
        Assert.Null((await RevocationList.VerifyAsync(jws, plain, Audience)).Error);
    }

    [Fact]
    public async Task ReusedOpenSslContextsKeepRefusingForgeriesAndAcceptingGoodSignatures()
    {
        var verifier = Verifier(Now);
        using var foreign = RSA.Create(2048);
        var forged = PeerJwt.Create(PeerJwt.Read(Token())!.Claims, PeerJwt.Credentials("k1", foreign));
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await verifier.VerifyJwtAsync(Token())).IsValid);
            Assert.False((await verifier.VerifyJwtAsync(forged)).IsValid);
        }
    }

    private PeerTokenVerifier Verifier(DateTimeOffset now) => new(_keys, Audience, Issuer, new FixedClock(now));

    private string Token(string issuer = Issuer, string audience = Audience) => PeerJwt.Create(
        new PeerTokenClaims(issuer, "6650f0f0f0f0f0f0f0f0f0f1", "bob", audience, Now.ToUnixTimeSeconds(), Now.ToUnixTimeSeconds(),
            Now.AddHours(1).ToUnixTimeSeconds(), Guid.NewGuid().ToString(), new Confirmation("thumb")),
        PeerJwt.Credentials("k1", _authority));

    public void Dispose()
    {
        _keys.Dispose();
        _authority.Dispose();
    }
}
