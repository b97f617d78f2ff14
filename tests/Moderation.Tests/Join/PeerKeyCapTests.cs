using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Join;
using Moderation.Contracts.Experiments;
using Moderation.HubEmulator;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Join;

/// <summary>
/// The cap on live peer keys per user (<c>max_peer_keys_per_user</c>) holds for joins sent at the same moment, on one
/// replica or two: the group commit counts them, so exactly the cap succeed and the rest are 429 with Retry-After,
/// having claimed no key. The commit is held up so that every join has passed the check before the commit.
/// </summary>
public sealed class PeerKeyCapTests(FakeClockFactory api) : IClassFixture<FakeClockFactory>
{
    private const int Cap = 3;

    [Fact]
    public async Task MoreConcurrentJoinsWithNewKeysThanTheCapGetExactlyTheCap()
    {
        var (experiment, user) = await CappedAsync();
        var writer = api.Services.GetRequiredService<IssuedTokenWriter>();

        List<(string Key, Task<HttpResponseMessage> Answer)> joins;
        await using (var hold = await api.LockIssuedTokensAsync())
        {
            joins = Enumerable.Range(0, 10).Select(_ => PeerKeys.New()).Select(key => (key, Join(api, experiment, user, key))).ToList();
            await GroupCommitHold.WaitUntilAsync(() => writer.Waiting == 10);
        }

        await AssertExactlyTheCapAsync(experiment, user, joins, Cap);
    }

    [Fact]
    public async Task ConcurrentJoinsThroughTwoReplicasGetExactlyTheCapBetweenThem()
    {
        await using var other = api.Next();
        await other.InitializeAsync();
        var (experiment, user) = await CappedAsync(cap: 1);
        var writers = new[] { api, other }.Select(host => host.Services.GetRequiredService<IssuedTokenWriter>()).ToList();

        List<(string Key, Task<HttpResponseMessage> Answer)> joins;
        // Each replica's first commit counts the user's keys, then waits to claim its key; both have counted none
        // committed, so only the lock on the user makes the second count the first's key.
        await using (var hold = await api.LockIssuedTokensAsync("peer_keys"))
        {
            joins = Enumerable.Range(0, 10).Select(i => (Key: PeerKeys.New(), Host: i % 2 == 0 ? api : other))
                .Select(j => (j.Key, Join(j.Host, experiment, user, j.Key))).ToList();
            await GroupCommitHold.WaitUntilAsync(() => writers.All(w => w.Waiting == 5));
            await api.WaitForLockWaitersAsync(2);
        }

        await AssertExactlyTheCapAsync(experiment, user, joins, cap: 1);
    }

    private async Task AssertExactlyTheCapAsync(
        ExperimentResponse experiment, HubUser user, List<(string Key, Task<HttpResponseMessage> Answer)> joins, int cap)
    {
        await Task.WhenAll(joins.Select(j => j.Answer));
        var joined = joins.Where(j => j.Answer.Result.StatusCode == HttpStatusCode.OK).Select(j => Moderation.Contracts.Tokens.OpenSshRsaKey.Parse(j.Key).Fingerprint).ToList();
        var refused = joins.Where(j => j.Answer.Result.StatusCode != HttpStatusCode.OK).ToList();
        Assert.Equal(cap, joined.Count);
        foreach (var (_, answer) in refused)
        {
            var problem = await answer.Result.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains($"{cap} peer key", problem.Detail(), StringComparison.Ordinal);
            Assert.True(answer.Result.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(50), $"Retry-After: {answer.Result.Headers.RetryAfter}");
        }
        var stored = await api.QueryDbAsync(db => db.IssuedTokens.Where(t => t.ExperimentId == experiment.Id).Select(t => t.PeerKeyFingerprint).ToListAsync());
        Assert.Equal(joined.Order(), stored.Order());
        // A refused join claimed no key: its owner could still use it elsewhere.
        var sent = joins.Select(j => Moderation.Contracts.Tokens.OpenSshRsaKey.Parse(j.Key).Fingerprint).ToList();
        var claimed = await api.QueryDbAsync(db => db.PeerKeys.Where(k => sent.Contains(k.Fingerprint)).Select(k => k.Fingerprint).ToListAsync());
        Assert.Equal(joined.Order(), claimed.Order());
        // Still a key already held is not a new one.
        var again = await Join(api, experiment, user, joins.First(j => j.Answer.Result.StatusCode == HttpStatusCode.OK).Key);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private async Task<(ExperimentResponse, HubUser)> CappedAsync(int cap = Cap)
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        await (await api.ClientFor("alice").PatchWireAsync(url, new UpdateExperimentRequest(MaxPeerKeysPerUser: cap))).ReadAsync<ExperimentResponse>();
        return (experiment, api.NewUser("lab"));
    }

    private static Task<HttpResponseMessage> Join(FakeClockFactory host, ExperimentResponse experiment, HubUser user, string key) =>
        host.ClientWithToken(user.UserAccessToken).PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/join", new Moderation.Contracts.Join.JoinInput(key));
}
