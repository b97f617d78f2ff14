using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Tokens;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>A peer token reports only with a DPoP proof made with the peer's private key (RFC 9449).</summary>
public sealed class ProofOfPossessionTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private static readonly DateTimeOffset Recently = DateTimeOffset.UtcNow.AddMinutes(-1);

    [Fact]
    public async Task ABarePeerTokenIsRefusedWithAChallengeThatSaysWhatIsMissing()
    {
        var (experiment, url, _) = await api.OpenExperimentWithAuxAsync();
        using var peer = await DpopPeer.Create().JoinAsync(api, url, "carol");
        var bare = await api.ClientWithToken(peer.Joined!.Token).PostWireAsync($"{url}/contributions", Batch(peer, 1));

        var problem = await bare.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("DPoP", problem.Detail(), StringComparison.Ordinal);
        Assert.StartsWith("DPoP", bare.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("error=", bare.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await StoredAsync(experiment.Id));

        // The DPoP scheme without a proof header is refused the same way.
        using var noProof = new HttpRequestMessage(HttpMethod.Post, $"{url}/contributions") { Content = Json(Batch(peer, 1)) };
        noProof.Headers.Authorization = new AuthenticationHeaderValue("DPoP", peer.Joined.Token);
        await (await api.CreateClient().SendAsync(noProof)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AProofFromTheRightKeyIsAcceptedAndOneFromAnyOtherKeyIsNot()
    {
        var (experiment, url, _) = await api.OpenExperimentWithAuxAsync();
        using var peer = await DpopPeer.Create().JoinAsync(api, url, "carol");
        Assert.Equal(1, (await peer.Client(api).SendAsync(url, Batch(peer, 1).Reports!)).Stored);

        // A curious peer who saw carol's token signs proofs with its own key.
        using var thief = RSA.Create(2048);
        var stolen = await peer.Client(api, proofKey: thief).PostWireAsync($"{url}/contributions", Batch(peer, 2));
        Assert.Contains("another key", (await stolen.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
        Assert.Equal(1, await StoredAsync(experiment.Id));
    }

    [Fact]
    public async Task AReplayedProofOrOneMadeForAnotherRequestIsRefused()
    {
        var (experiment, url, _) = await api.OpenExperimentWithAuxAsync();
        using var peer = await DpopPeer.Create().JoinAsync(api, url, "carol");
        var token = peer.Joined!.Token;
        var target = new Uri(api.Server.BaseAddress, $"{url}/contributions").ToString();
        var proof = DpopProof.Create(peer.Key, "POST", target, token, DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(url, token, proof, Batch(peer, 1))).StatusCode);
        var replayed = await SendAsync(url, token, proof, Batch(peer, 2));
        Assert.Contains("already used", (await replayed.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);

        var otherUrl = DpopProof.Create(peer.Key, "POST", target.Replace("contributions", "checkpoints", StringComparison.Ordinal), token, DateTimeOffset.UtcNow);
        await (await SendAsync(url, token, otherUrl, Batch(peer, 3))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var otherMethod = DpopProof.Create(peer.Key, "PUT", target, token, DateTimeOffset.UtcNow);
        await (await SendAsync(url, token, otherMethod, Batch(peer, 4))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var stale = DpopProof.Create(peer.Key, "POST", target, token, DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.Contains("within", (await (await SendAsync(url, token, stale, Batch(peer, 5))).AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(),
            StringComparison.Ordinal);
        // A proof bound to another token (its ath) does not go with this one.
        using var other = await DpopPeer.Create().JoinAsync(api, url, "bob");
        var forOtherToken = DpopProof.Create(peer.Key, "POST", target, other.Joined!.Token, DateTimeOffset.UtcNow);
        await (await SendAsync(url, token, forOtherToken, Batch(peer, 6))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await SendAsync(url, token, "not.a.jwt", Batch(peer, 7))).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(1, await StoredAsync(experiment.Id));
    }

    [Fact]
    public async Task AProofWhoseIatIsAStringIsRefused()
    {
        var (experiment, url, _) = await api.OpenExperimentWithAuxAsync();
        using var peer = await DpopPeer.Create().JoinAsync(api, url, "carol");
        var token = peer.Joined!.Token;
        var target = new Uri(api.Server.BaseAddress, $"{url}/contributions").ToString();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var stringIat = Proof(peer.Key, target, token, now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var refused = await SendAsync(url, token, stringIat, Batch(peer, 1));
        Assert.Contains("'iat'", (await refused.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(url, token, Proof(peer.Key, target, token, now), Batch(peer, 2))).StatusCode);
        Assert.Equal(1, await StoredAsync(experiment.Id));
    }

    /// <summary>A proof like <see cref="DpopProof.Create"/> makes, with <paramref name="iat"/> as given (a number or not).</summary>
    private static string Proof(RSA key, string url, string token, object iat)
    {
        var publicKey = key.ExportParameters(false);
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
            {
                TokenType = DpopProof.Type,
                SigningCredentials = new(new Microsoft.IdentityModel.Tokens.RsaSecurityKey(key), "RS256"),
                AdditionalHeaderClaims = new Dictionary<string, object>
                {
                    ["jwk"] = new Dictionary<string, object> { ["kty"] = "RSA", ["n"] = Base64Url.Encode(publicKey.Modulus), ["e"] = Base64Url.Encode(publicKey.Exponent) },
                },
                Claims = new Dictionary<string, object>
                {
                    ["jti"] = Guid.NewGuid().ToString("N"), ["htm"] = "POST", ["htu"] = url, ["iat"] = iat, ["ath"] = DpopProof.AccessTokenHash(token),
                },
            });
    }

    [Fact]
    public async Task AServiceKeyKeepsWorkingWithoutAnyProof()
    {
        var (experiment, url, aux) = await api.OpenExperimentWithAuxAsync();
        var peer = await api.JoinAsync(url, "bob");
        Assert.Equal(1, (await aux.SendAsync(url, [ContributionSetup.Report(peer.PeerKeyFingerprint, 1, 6000, 100, Recently)])).Stored);
        Assert.Equal(1, await StoredAsync(experiment.Id));
    }

    private Task<HttpResponseMessage> SendAsync(string url, string token, string proof, ContributionBatch batch)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/contributions") { Content = Json(batch) };
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", token);
        request.Headers.Add("DPoP", proof);
        return api.CreateClient().SendAsync(request);
    }

    private static ContributionBatch Batch(DpopPeer peer, long step) =>
        new([ContributionSetup.Report(peer.Joined!.PeerKeyFingerprint, step, 6000, 100, Recently)]);

    private static HttpContent Json(ContributionBatch batch) => System.Net.Http.Json.JsonContent.Create(batch, options: Moderation.Contracts.Json.WireJson.Options);

    private Task<int> StoredAsync(int experimentId) =>
        api.QueryDbAsync(db => Task.FromResult(db.ContributionReports.Count(r => r.ExperimentId == experimentId)));
}
