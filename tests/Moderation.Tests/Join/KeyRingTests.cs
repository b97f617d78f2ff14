using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Client;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Join;

public sealed class KeyRingTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private ModerationClient Client => new(api.CreateClient());

    [Fact]
    public async Task RotationKeepsOldTokensValidAndSignsNewOnesWithTheNewKid()
    {
        var experiment = await api.CreateExperimentAsync();
        var peerKey = PeerKeys.New();
        var before = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, peerKey);

        var rotated = await (await api.ClientFor("alice").PostAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/keys/rotate", null))
            .ReadAsync<KeyRotationResponse>();
        Assert.Equal(before.Kid, rotated.RetiredKid);
        Assert.NotEqual(before.Kid, rotated.Kid);
        Assert.Equal(before.ExpiresAt, rotated.RetiredKeyPublishedUntil);
        // Owners see which key signs, since when, and until when the retired one stays published; nobody else.
        var keysUrl = $"/api/v1/experiments/demo-org/{experiment.ModelName}/keys";
        var listed = await (await api.ClientFor("alice").GetAsync(keysUrl)).ReadAsync<List<SigningKeyResponse>>();
        Assert.Equal([(rotated.Kid, true, (DateTimeOffset?)null), (before.Kid, false, before.ExpiresAt)],
            listed.Select(k => (k.Kid, k.Signing, k.Signing ? null : k.PublishedUntil)));
        Assert.True(listed[0].CreatedAt > listed[1].CreatedAt);
        await (await api.ClientFor("bob").GetAsync(keysUrl)).AssertProblemAsync(HttpStatusCode.Forbidden);

        var jwks = await Client.GetJwksAsync("demo-org", experiment.ModelName);
        Assert.Equal([rotated.Kid, before.Kid], jwks.Keys.Select(k => k.Kid));
        using var keys = ExperimentKeySet.FromJwks(jwks);
        var verifier = new PeerTokenVerifier(keys, $"demo-org/{experiment.ModelName}", AuthApiFactory.Issuer);
        Assert.True((await verifier.VerifyJwtAsync(before.Token)).IsValid);
        Assert.True(verifier.VerifyHivemindAccess(before.HivemindAccess).IsValid);

        // The same peer re-joining now gets a token from the new key, not the old one back.
        var after = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, peerKey);
        Assert.Equal(rotated.Kid, after.Kid);
        Assert.Equal(rotated.Kid, PeerJwt.Read(after.Token)!.Kid);
        Assert.NotEqual(before.AuthServerPublicKey, after.AuthServerPublicKey);
        Assert.True((await verifier.VerifyJwtAsync(after.Token)).IsValid);
        Assert.True((await Client.IntrospectAsync(new IntrospectionRequest(Token: before.Token))).Active);
    }

    [Fact]
    public async Task IntrospectionFollowsARotationAtOnceWhileTheRetiredKeysTokensStayActive()
    {
        // The server keeps one verifier per published key set: one made before a rotation must neither refuse the new
        // key's tokens nor be the only judge afterwards.
        var experiment = await api.CreateExperimentAsync();
        var peerKey = PeerKeys.New();
        var before = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, peerKey);
        Assert.True((await Client.IntrospectAsync(new IntrospectionRequest(Token: before.Token))).Active);

        var rotated = await (await api.ClientFor("alice").PostAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/keys/rotate", null))
            .ReadAsync<KeyRotationResponse>();
        var after = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, peerKey);
        Assert.Equal(rotated.Kid, after.Kid);

        Assert.True((await Client.IntrospectAsync(new IntrospectionRequest(Token: after.Token))).Active);
        Assert.True((await Client.IntrospectAsync(new IntrospectionRequest(HivemindAccess: after.HivemindAccess, OrganizationName: "demo-org", ModelName: experiment.ModelName))).Active);
        Assert.True((await Client.IntrospectAsync(new IntrospectionRequest(Token: before.Token))).Active);
        // The old token with the new key's kid put in its header: the signature no longer matches anything.
        var parts = before.Token.Split('.');
        var header = System.Text.Encoding.UTF8.GetString(Base64UrlDecode(parts[0])).Replace(before.Kid, rotated.Kid, StringComparison.Ordinal);
        var relabelled = $"{Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(header))}.{parts[1]}.{parts[2]}";
        Assert.False((await Client.IntrospectAsync(new IntrospectionRequest(Token: relabelled))).Active);
    }

    private static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private static string Base64UrlEncode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    [Fact]
    public async Task RetiredKeyIsUnpublishedOnceItsTokensExpired()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/keys/rotate";
        var first = await (await api.ClientFor("alice").PostAsync(url, null)).ReadAsync<KeyRotationResponse>();
        // No token was signed with the first key: it is unpublished at once.
        var jwks = await Client.GetJwksAsync("demo-org", experiment.ModelName);
        Assert.Equal([first.Kid], jwks.Keys.Select(k => k.Kid));
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("carol")]
    public async Task OnlyOwnersRotate(string user)
    {
        var experiment = await api.CreateExperimentAsync();
        var response = await api.ClientFor(user).PostAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/keys/rotate", null);
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task JwksIsCacheableWithETagAnd304()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/jwks";
        var client = api.CreateClient();

        var first = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/jwk-set+json", first.Content.Headers.ContentType?.MediaType);
        var etag = first.Headers.ETag!;
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.Equal(TimeSpan.FromSeconds(60), first.Headers.CacheControl.MaxAge);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(etag);
        var second = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);

        await (await client.GetAsync("/api/v1/experiments/demo-org/nope/jwks")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PrivateKeysAreEncryptedAtRest()
    {
        var experiment = await api.CreateExperimentAsync();
        var stored = await api.QueryDbAsync(db => db.ExperimentKeys.SingleAsync(k => k.ExperimentId == experiment.Id));
        var bytes = Convert.FromBase64String(stored.ProtectedPrivateKey);
        using var rsa = RSA.Create();
        Assert.ThrowsAny<CryptographicException>(() => rsa.ImportPkcs8PrivateKey(bytes, out int _));
        Assert.DoesNotContain("PRIVATE KEY", stored.ProtectedPrivateKey, StringComparison.Ordinal);

        var signing = api.Services.GetRequiredService<KeyRing>().Decrypted(stored);
        Assert.Equal(stored.PublicKey, signing.PublicKeyOpenSsh);
    }

    [Fact]
    public async Task ScheduledRotationRotatesKeysOlderThanThePeriod()
    {
        var old = await api.CreateExperimentAsync();
        var fresh = await api.CreateExperimentAsync();
        await api.QueryDbAsync(db => db.ExperimentKeys.Where(k => k.ExperimentId == old.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.CreatedAt, DateTimeOffset.UtcNow.AddDays(-40))));

        await using (var scope = api.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<KeyRotationJob>().RunAsync(CancellationToken.None) >= 1);
        }

        var keys = await api.QueryDbAsync(db => db.ExperimentKeys.Where(k => k.ExperimentId == old.Id || k.ExperimentId == fresh.Id).ToListAsync());
        Assert.Equal(2, keys.Count(k => k.ExperimentId == old.Id));
        Assert.Single(keys, k => k.ExperimentId == old.Id && k.RetiredAt == null && k.CreatedAt > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Single(keys, k => k.ExperimentId == fresh.Id);
    }

    [Fact]
    public void RotationJobIsScheduledInHangfire()
    {
        using var connection = api.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
        var jobs = Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection);
        Assert.Contains(jobs, j => j.Id == KeyRotationJob.RecurringJobId && j.Cron == Hangfire.Cron.Daily());
    }
}
