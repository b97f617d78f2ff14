using System.Security.Cryptography;
using System.Text;
using SecurityTokenDescriptor = Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor;
using Moderation.Contracts.Tokens;

namespace Moderation.Tests.Tokens;

/// <summary>
/// The verifier's own parts of the JWT check (how <c>cnf</c> is read, which key the kid picks, a token decoded once and
/// checked as such) and the revocation list's token ids, for both kinds of token.
/// </summary>
public sealed class PeerTokenVerifierTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Issuer = "https://auth.example.org";
    private const string Audience = "demo-org/demo-model";

    private readonly RSA _authority = RSA.Create(2048);
    private readonly ExperimentKeySet _keys;

    public PeerTokenVerifierTests() =>
        _keys = ExperimentKeySet.FromJwks(new JsonWebKeySet([JsonWebKey.FromRsa("k1", _authority.ExportParameters(false))]));

    [Fact]
    public async Task CnfIsReadForItsJktAndNothingElsePasses()
    {
        var verifier = Verifier();
        var nested = await verifier.VerifyJwtAsync(Token(new Dictionary<string, object>
        {
            ["x5t#S256"] = new Dictionary<string, object> { ["a"] = new[] { 1, 2 } }, ["jkt"] = "thumb", ["z"] = "after",
        }));
        Assert.True(nested.IsValid, nested.Reason);
        Assert.Equal("thumb", nested.PeerKeyFingerprint);

        object[] malformed = [new Dictionary<string, object> { ["other"] = "thumb" }, new Dictionary<string, object> { ["jkt"] = 7 }, "thumb", new[] { "thumb" }];
        foreach (var cnf in malformed)
        {
            var result = await verifier.VerifyJwtAsync(Token(cnf));
            Assert.False(result.IsValid);
            Assert.Contains("lacks a peer-token claim", result.Reason, StringComparison.Ordinal);
            Assert.Null(PeerJwt.Read(Token(cnf)));
        }
    }

    [Fact]
    public async Task ATokenDecodedOnceIsCheckedLikeItsText()
    {
        var token = Token(new Dictionary<string, object> { ["jkt"] = "thumb" });
        var parsed = PeerJwt.Read(token)!;
        Assert.True((await Verifier().VerifyJwtAsync(parsed)).IsValid);
        Assert.Contains("expired", (await Verifier(Now.AddHours(2)).VerifyJwtAsync(parsed)).Reason, StringComparison.Ordinal);
        Assert.Contains("is not for", (await new PeerTokenVerifier(_keys, "demo-org/other", Issuer, new FixedClock(Now)).VerifyJwtAsync(parsed)).Reason,
            StringComparison.Ordinal);

        using var foreign = RSA.Create(2048);
        var forged = PeerJwt.Read(PeerJwt.Create(parsed.Claims, PeerJwt.Credentials("k1", foreign)))!;
        Assert.Equal("The signature does not match.", (await Verifier().VerifyJwtAsync(forged)).Reason);
    }

    [Fact]
    public async Task TheKidPicksTheKeyAndAnUnknownKidIsTriedAgainstEveryKey()
    {
        var claims = PeerJwt.Read(Token(new Dictionary<string, object> { ["jkt"] = "thumb" }))!.Claims;
        using var foreign = RSA.Create(2048);
        var verifier = Verifier();

        // As the library does without a kid match: every key of the experiment is tried.
        Assert.True((await verifier.VerifyJwtAsync(PeerJwt.Create(claims, PeerJwt.Credentials("elsewhere", _authority)))).IsValid);
        Assert.Equal("The signature does not match.", (await verifier.VerifyJwtAsync(PeerJwt.Create(claims, PeerJwt.Credentials("k1", foreign)))).Reason);
        Assert.Equal("The token is signed with a key this experiment does not have.",
            (await verifier.VerifyJwtAsync(PeerJwt.Create(claims, PeerJwt.Credentials("elsewhere", foreign)))).Reason);

        // A key set from auth_server_public_key has no kids: its one key checks every JWT.
        using var single = ExperimentKeySet.FromOpenSsh(OpenSshRsaKey.Format(_authority.ExportParameters(false)));
        var bare = new PeerTokenVerifier(single, Audience, Issuer, new FixedClock(Now));
        Assert.True((await bare.VerifyJwtAsync(PeerJwt.Create(claims, PeerJwt.Credentials("k1", _authority)))).IsValid);
        Assert.False((await bare.VerifyJwtAsync(PeerJwt.Create(claims, PeerJwt.Credentials("k1", foreign)))).IsValid);
    }

    [Fact]
    public async Task RevokedTokenIdsAreRefusedForBothKinds()
    {
        using var peer = RSA.Create(2048);
        var peerKey = OpenSshRsaKey.Format(peer.ExportParameters(false));
        var fingerprint = OpenSshRsaKey.Parse(peerKey).Fingerprint;
        var jwt = Token(new Dictionary<string, object> { ["jkt"] = fingerprint });
        var hivemind = Hivemind(peerKey);
        var verifier = Verifier();
        verifier.Revocations = new RevocationList(Audience, 1, 0, [], [], ["unrelated"]);
        Assert.True((await verifier.VerifyJwtAsync(jwt, peerKey)).IsValid);
        Assert.True(verifier.VerifyHivemindAccess(hivemind, peerKey).IsValid);

        // The id a hivemind_access token is listed by: "h:" and base64url of the first 16 bytes of SHA-256(signature).
        var hivemindId = "h:" + Base64Url.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(hivemind.Signature)).AsSpan(0, 16));
        Assert.Equal(hivemindId, RevocationList.HivemindTokenId(hivemind.Signature));
        verifier.Revocations = new RevocationList(Audience, 2, 0, [], [], [PeerJwt.Read(jwt)!.Claims.TokenId, hivemindId]);
        Assert.Contains("revoked", (await verifier.VerifyJwtAsync(jwt, peerKey)).Reason, StringComparison.Ordinal);
        Assert.Contains("revoked", verifier.VerifyHivemindAccess(hivemind, peerKey).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSslSha256AgreesWithDotNets()
    {
        foreach (var length in new[] { 0, 1, 55, 56, 64, 500, 5000 })
        {
            var data = RandomNumberGenerator.GetBytes(length);
            var hash = new byte[32];
            RsaPss.Sha256(data, hash);
            Assert.Equal(SHA256.HashData(data), hash);
        }
    }

    private PeerTokenVerifier Verifier(DateTimeOffset? now = null) => new(_keys, Audience, Issuer, new FixedClock(now ?? Now));

    private string Token(object cnf) => PeerJwt.Handler.CreateToken(new SecurityTokenDescriptor
    {
        TokenType = PeerJwt.Type,
        SigningCredentials = PeerJwt.Credentials("k1", _authority),
        Claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["sub"] = "6650f0f0f0f0f0f0f0f0f0f1", ["preferred_username"] = "bob", ["aud"] = Audience,
            ["iat"] = Now.ToUnixTimeSeconds(), ["nbf"] = Now.ToUnixTimeSeconds(), ["exp"] = Now.AddHours(1).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(), ["cnf"] = cnf,
        },
    });

    private HivemindAccess Hivemind(string peerKey)
    {
        var expires = Now.UtcDateTime.AddHours(1);
        using var signer = RsaPss.Handle(_authority.ExportParameters(true));
        return new HivemindAccess("bob", peerKey, HivemindAccess.FormatExpiration(expires),
            Convert.ToBase64String(RsaPss.Sign(signer, HivemindAccess.SignedMessage("bob", peerKey, expires))));
    }

    public void Dispose()
    {
        _keys.Dispose();
        _authority.Dispose();
    }
}
