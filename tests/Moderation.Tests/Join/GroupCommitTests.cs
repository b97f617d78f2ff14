using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Join;
using Moderation.Contracts.Client;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Join;

/// <summary>
/// Joins that arrive together are written in one transaction and each is answered only after that commit. The first
/// join's commit is held up by a lock on issued_tokens, so the joins behind it queue up deterministically.
/// </summary>
public sealed class GroupCommitTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private ModerationClient Client => new(api.CreateClient());

    [Fact]
    public async Task ConcurrentJoinsAreAnsweredOnlyAfterOneCommitAndAllPersist()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var writer = api.Services.GetRequiredService<IssuedTokenWriter>();
        string[] users = ["alice", "bob", "carol", "dave"];

        List<Task<JoinResponse>> joins;
        await using (var blocker = await api.LockIssuedTokensAsync())
        {
            joins = [Join(users[0], experiment)];
            await GroupCommitHold.WaitUntilAsync(() => writer.Waiting == 1);
            joins.AddRange(Enumerable.Range(1, 15).Select(i => Join(users[i % users.Length], experiment)));
            await GroupCommitHold.WaitUntilAsync(() => writer.Waiting == 16);
            await Task.Delay(200);
            Assert.All(joins, j => Assert.False(j.IsCompleted, "A join was answered before its token was committed."));
        }

        var joined = await Task.WhenAll(joins);
        Assert.True(writer.LargestBatch >= 15, $"The 15 joins queued behind the first were committed in batches of at most {writer.LargestBatch}.");
        var stored = await api.QueryDbAsync(db => db.IssuedTokens.Where(t => t.ExperimentId == experiment.Id).ToListAsync());
        Assert.Equal(16, stored.Count);
        Assert.Equal(joined.Select(j => j.PeerKeyFingerprint).Order(), stored.Select(t => t.PeerKeyFingerprint).Order());
        Assert.All(joined, j => Assert.Equal(j.HivemindAccess.Signature, Assert.Single(stored, t => t.PeerKeyFingerprint == j.PeerKeyFingerprint).HivemindSignature));
        var owners = await api.QueryDbAsync(db => db.PeerKeys.Where(k => joined.Select(j => j.PeerKeyFingerprint).Contains(k.Fingerprint)).CountAsync());
        Assert.Equal(16, owners);
    }

    [Fact]
    public async Task TwoUsersWithOneNewKeyInTheSameCommitTheFirstOwnsItTheOtherIsRefused()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var writer = api.Services.GetRequiredService<IssuedTokenWriter>();
        var sharedKey = PeerKeys.New();

        Task<JoinResponse> first, bobs, carols;
        await using (var blocker = await api.LockIssuedTokensAsync())
        {
            first = Join("alice", experiment);
            await GroupCommitHold.WaitUntilAsync(() => writer.Waiting == 1);
            bobs = Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, sharedKey);
            await GroupCommitHold.WaitUntilAsync(() => writer.Waiting == 2);
            carols = Client.JoinAsync("hf_dev_carol", "demo-org", experiment.ModelName, sharedKey);
            await GroupCommitHold.WaitUntilAsync(() => writer.Waiting == 3);
        }

        await first;
        Assert.Equal("bob", (await bobs).HivemindAccess.Username);
        var refused = await Assert.ThrowsAsync<ModerationApiException>(() => carols);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        var fingerprint = (await bobs).PeerKeyFingerprint;
        Assert.Equal("bob", await api.QueryDbAsync(db => db.IssuedTokens.Where(t => t.PeerKeyFingerprint == fingerprint).Select(t => t.Username).SingleAsync()));
        Assert.Equal("6650b0b0b0b0b0b0b0b0b0b0", await api.QueryDbAsync(db => db.PeerKeys.Where(k => k.Fingerprint == fingerprint).Select(k => k.UserId).SingleAsync()));
    }

    private Task<JoinResponse> Join(string user, ExperimentResponse experiment) =>
        Client.JoinAsync("hf_dev_" + user, "demo-org", experiment.ModelName, PeerKeys.New());
}
