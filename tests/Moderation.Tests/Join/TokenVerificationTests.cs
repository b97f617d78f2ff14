using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Client;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;
using Moderation.Tests.Infrastructure;
using Moderation.Tests.Tokens;

namespace Moderation.Tests.Join;

/// <summary>Expired, tampered, other-experiment, wrong-key and alg-confused tokens are refused offline and by introspection.</summary>
public sealed class TokenVerificationTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private ModerationClient Client => new(api.CreateClient());

    [Fact]
    public async Task FreshTokensAreActiveOnIntrospection()
    {
        var (experiment, joined, _) = await JoinAsync();
        var jwt = await Client.IntrospectAsync(new IntrospectionRequest(Token: joined.Token));
        Assert.True(jwt.Active, jwt.Reason);
        Assert.Equal("bob", jwt.Username);
        Assert.Equal($"demo-org/{experiment}", jwt.Aud);
        Assert.Equal(joined.ExpiresAt.ToUnixTimeSeconds(), jwt.Exp);
        Assert.Equal(joined.PeerKeyFingerprint, jwt.PeerKeyFingerprint);

        var hivemind = await Client.IntrospectAsync(new IntrospectionRequest(HivemindAccess: joined.HivemindAccess, OrganizationName: "demo-org", ModelName: experiment));
        Assert.True(hivemind.Active, hivemind.Reason);
        Assert.Equal("bob", hivemind.Username);
    }

    [Fact]
    public async Task ExpiredTokensAreRefused()
    {
        var (experiment, joined, keys) = await JoinAsync();
        var later = new PeerTokenVerifier(keys, $"demo-org/{experiment}", AuthApiFactory.Issuer, new FixedClock(joined.ExpiresAt.AddMinutes(2)));
        Assert.Contains("expired", (await later.VerifyJwtAsync(joined.Token)).Reason, StringComparison.Ordinal);
        Assert.Contains("expired", later.VerifyHivemindAccess(joined.HivemindAccess).Reason, StringComparison.Ordinal);
        // Within the clock-skew allowance it still passes.
        var justAfter = new PeerTokenVerifier(keys, $"demo-org/{experiment}", AuthApiFactory.Issuer, new FixedClock(joined.ExpiresAt.AddSeconds(30)));
        Assert.True((await justAfter.VerifyJwtAsync(joined.Token)).IsValid);
    }

    [Fact]
    public async Task TamperedTokensAreRefused()
    {
        var (experiment, joined, keys) = await JoinAsync();
        var verifier = new PeerTokenVerifier(keys, $"demo-org/{experiment}", AuthApiFactory.Issuer);

        var parts = joined.Token.Split('.');
        var payload = JsonNode.Parse(Base64Url.Decode(parts[1]))!;
        payload["preferred_username"] = "mallory";
        var tamperedJwt = $"{parts[0]}.{Base64Url.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()))}.{parts[2]}";
        Assert.False((await verifier.VerifyJwtAsync(tamperedJwt)).IsValid);
        var tamperedAccess = joined.HivemindAccess with { ExpirationTime = HivemindAccess.FormatExpiration(joined.ExpiresAt.UtcDateTime.AddHours(5)) };
        Assert.False(verifier.VerifyHivemindAccess(tamperedAccess).IsValid);

        Assert.False((await Client.IntrospectAsync(new IntrospectionRequest(Token: tamperedJwt))).Active);
        var introspected = await Client.IntrospectAsync(new IntrospectionRequest(HivemindAccess: tamperedAccess, OrganizationName: "demo-org", ModelName: experiment));
        Assert.False(introspected.Active);
        Assert.Contains("signature", introspected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensOfAnotherExperimentAreRefused()
    {
        var (_, joined, _) = await JoinAsync();
        var (otherExperiment, _, otherKeys) = await JoinAsync();
        var verifier = new PeerTokenVerifier(otherKeys, $"demo-org/{otherExperiment}", AuthApiFactory.Issuer);

        Assert.False((await verifier.VerifyJwtAsync(joined.Token)).IsValid);
        Assert.False(verifier.VerifyHivemindAccess(joined.HivemindAccess).IsValid);
        var introspected = await Client.IntrospectAsync(new IntrospectionRequest(HivemindAccess: joined.HivemindAccess, OrganizationName: "demo-org", ModelName: otherExperiment));
        Assert.False(introspected.Active);
    }

    [Fact]
    public async Task TokenPresentedWithAnotherPeerKeyIsRefused()
    {
        var (experiment, joined, keys) = await JoinAsync();
        var verifier = new PeerTokenVerifier(keys, $"demo-org/{experiment}", AuthApiFactory.Issuer);
        var impostor = PeerKeys.New();
        Assert.Contains("another peer key", (await verifier.VerifyJwtAsync(joined.Token, impostor)).Reason, StringComparison.Ordinal);
        Assert.Contains("another peer key", verifier.VerifyHivemindAccess(joined.HivemindAccess, impostor).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensOfAnotherIssuerAreRefused()
    {
        var (experiment, joined, keys) = await JoinAsync();
        Assert.Equal(AuthApiFactory.Issuer, PeerJwt.Read(joined.Token)!.Claims.Issuer);
        var elsewhere = new PeerTokenVerifier(keys, $"demo-org/{experiment}", "https://auth.elsewhere.example");
        var result = await elsewhere.VerifyJwtAsync(joined.Token);
        Assert.False(result.IsValid);
        Assert.Equal($"The token was issued by {AuthApiFactory.Issuer}, not https://auth.elsewhere.example.", result.Reason);
        // Introspection expects this service's own origin: a client calling it under another name is refused.
        var client = api.CreateClient();
        client.BaseAddress = new Uri("http://other.localhost");
        var introspected = await new ModerationClient(client).IntrospectAsync(new IntrospectionRequest(Token: joined.Token));
        Assert.False(introspected.Active);
        Assert.Contains("issued by", introspected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokensSignedWithAForeignKeyAreRefused()
    {
        var (experiment, joined, keys) = await JoinAsync();
        using var foreign = RSA.Create(2048);
        var claims = PeerJwt.Read(joined.Token)!;
        var forged = PeerJwt.Create(claims.Claims, PeerJwt.Credentials(claims.Kid!, foreign));
        Assert.False((await new PeerTokenVerifier(keys, $"demo-org/{experiment}", AuthApiFactory.Issuer).VerifyJwtAsync(forged)).IsValid);
        Assert.False((await Client.IntrospectAsync(new IntrospectionRequest(Token: forged))).Active);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("RS256")]
    [InlineData("HS256")]
    public async Task AlgorithmConfusionIsRefused(string alg)
    {
        var (experiment, joined, keys) = await JoinAsync();
        var parts = joined.Token.Split('.');
        var header = JsonNode.Parse(Base64Url.Decode(parts[0]))!;
        header["alg"] = alg;
        var signingInput = $"{Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{parts[1]}";
        // The classic attack: an HMAC keyed with the published public key; or no signature at all.
        var jwks = JsonSerializer.SerializeToUtf8Bytes(await Client.GetJwksAsync("demo-org", experiment));
        var signature = alg switch
        {
            "HS256" => Base64Url.Encode(HMACSHA256.HashData(jwks, Encoding.ASCII.GetBytes(signingInput))),
            "none" => "",
            _ => parts[2],
        };
        var confused = $"{signingInput}.{signature}";

        Assert.False((await new PeerTokenVerifier(keys, $"demo-org/{experiment}", AuthApiFactory.Issuer).VerifyJwtAsync(confused)).IsValid);
        Assert.False((await Client.IntrospectAsync(new IntrospectionRequest(Token: confused))).Active);
    }

    [Fact]
    public async Task RevokedTokensAndBannedUsersAreInactiveOnIntrospection()
    {
        var (experiment, joined, _) = await JoinAsync();
        var jti = Guid.Parse(PeerJwt.Read(joined.Token)!.Claims.TokenId);
        await api.QueryDbAsync(db => db.IssuedTokens.Where(t => t.Id == jti)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTimeOffset.UtcNow)));
        var revoked = await Client.IntrospectAsync(new IntrospectionRequest(Token: joined.Token));
        Assert.False(revoked.Active);
        Assert.Equal("The token was revoked.", revoked.Reason);
        Assert.False((await Client.IntrospectAsync(new IntrospectionRequest(HivemindAccess: joined.HivemindAccess, OrganizationName: "demo-org", ModelName: experiment))).Active);

        var otherExperiment = await api.CreateExperimentAsync();
        var other = await Client.JoinAsync("hf_dev_bob", "demo-org", otherExperiment.ModelName, PeerKeys.New());
        await api.BanAsync(otherExperiment, "bob", "bad data");
        var banned = await Client.IntrospectAsync(new IntrospectionRequest(Token: other.Token));
        Assert.False(banned.Active);
        Assert.Contains("banned", banned.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousIntrospectionOfABannedUsersTokenSaysBannedWithoutTheModeratorsReason()
    {
        var experiment = await api.CreateExperimentAsync();
        var joined = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, PeerKeys.New());
        await api.BanAsync(experiment, "bob", "private note: reported by carol for poisoned gradients");

        foreach (var request in new[]
                 {
                     new IntrospectionRequest(Token: joined.Token),
                     new IntrospectionRequest(HivemindAccess: joined.HivemindAccess, OrganizationName: "demo-org", ModelName: experiment.ModelName),
                 })
        {
            var answer = await Client.IntrospectAsync(request);
            Assert.False(answer.Active);
            Assert.Equal("bob is banned.", answer.Reason);
        }
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"token":"a.b.c","hivemind_access":{"username":"x","peer_public_key":"y","expiration_time":"z","signature":"s"}}""")]
    [InlineData("""{"hivemind_access":{"username":"x","peer_public_key":"y","expiration_time":"z","signature":"s"}}""")]
    public async Task IntrospectionNeedsExactlyOneTokenAndItsExperiment(string body)
    {
        var response = await api.CreateClient().PostRawAsync("/api/v1/tokens/introspect", body);
        await response.AssertProblemAsync(System.Net.HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GarbageTokenIsSimplyInactive()
    {
        var result = await Client.IntrospectAsync(new IntrospectionRequest(Token: "garbage"));
        Assert.False(result.Active);
        Assert.NotNull(result.Reason);
    }

    private async Task<(string Model, JoinResponse Joined, ExperimentKeySet Keys)> JoinAsync()
    {
        var experiment = await api.CreateExperimentAsync();
        var joined = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, PeerKeys.New());
        return (experiment.ModelName, joined, ExperimentKeySet.FromJwks(await Client.GetJwksAsync("demo-org", experiment.ModelName)));
    }
}
