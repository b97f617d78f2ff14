using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Join;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;
using Moderation.Contracts.Moderation;
using Moderation.Contracts.Tokens;
using Moderation.HubEmulator;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Join;

/// <summary>
/// Re-joins answered from memory, and two replicas (two AuthApi hosts on one database, one clock the test moves): a
/// ban, a revoked key or an allowlist removal made through one is honoured by the other's memory within a second.
/// </summary>
public sealed class RejoinMemoryTests(FakeClockFactory api) : IClassFixture<FakeClockFactory>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task AReJoinIsAnsweredFromMemoryWithTheStoredTokenUntilItsReuseWindowEnds()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var (user, key) = (api.NewUser("rejoin"), PeerKeys.New());
        var memory = api.Services.GetRequiredService<RejoinMemory>();

        var first = await JoinAsync(api, experiment, user, key);
        var fromDatabase = await JoinAsync(api, experiment, user, key);
        var served = memory.Served;
        var fromMemory = await JoinAsync(api, experiment, user, key);

        Assert.Equal(served + 1, memory.Served);
        Assert.Equal(fromDatabase.Body, fromMemory.Body);
        var stored = await api.QueryDbAsync(db => db.IssuedTokens.SingleAsync(t => t.ExperimentId == experiment.Id && t.UserId == user.Id));
        var token = fromMemory.Token;
        Assert.Equal((stored.Jwt, stored.HivemindSignature, stored.ExpiresAt), (token.Token, token.HivemindAccess.Signature, token.ExpiresAt));
        Assert.Equal(first.Body, fromMemory.Body);

        // Handed out again while at least half its lifetime remains (Tokens:ReuseWhileRemaining), and not a second longer.
        var windowEnds = stored.ExpiresAt - TimeSpan.FromMinutes(experiment.TokenLifetimeMinutes) * 0.5;
        api.Clock.SetUtcNow(windowEnds - TimeSpan.FromSeconds(2));
        Assert.Equal(first.Body, (await JoinAsync(api, experiment, user, key)).Body);
        Assert.Equal(served + 2, memory.Served);
        api.Clock.SetUtcNow(windowEnds + TimeSpan.FromSeconds(1));
        var renewed = await JoinAsync(api, experiment, user, key);
        Assert.Equal(served + 2, memory.Served);
        Assert.NotEqual(token.Token, renewed.Token.Token);
        Assert.True(renewed.Token.ExpiresAt > stored.ExpiresAt);
    }

    [Fact]
    public async Task ABanThroughOneReplicaRefusesAReJoinFromTheOthersMemoryWithinASecond()
    {
        await using var other = await ReplicaAsync();
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var (user, key) = await RememberedOnAsync(other, experiment);

        await api.BanAsync(experiment, user.Name, "spam");
        api.Clock.Advance(Bound);

        var refused = await other.ClientWithToken(user.UserAccessToken).PostWireAsync(JoinUrl(experiment), new JoinInput(key));
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("banned", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyRevokedThroughOneReplicaIsRefusedByTheOthersMemoryWithinASecond()
    {
        await using var other = await ReplicaAsync();
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var (user, key) = await RememberedOnAsync(other, experiment);

        var revoke = await api.ClientFor("root").PostWireAsync(
            $"/api/v1/experiments/demo-org/{experiment.ModelName}/peers/{OpenSshRsaKey.Parse(key).Fingerprint}/revoke", new RevokePeerRequest("leaked"));
        Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
        api.Clock.Advance(Bound);

        var refused = await other.ClientWithToken(user.UserAccessToken).PostWireAsync(JoinUrl(experiment), new JoinInput(key));
        Assert.Contains("was revoked", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TakenOffTheAllowlistThroughOneReplicaTheOthersMemoryRefusesWithinASecond()
    {
        await using var other = await ReplicaAsync();
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var user = api.NewUser("listed");
        await api.AllowlistAsync(experiment, user.Name);
        var (_, key) = await RememberedOnAsync(other, experiment, user);

        var removed = await api.ClientFor("root").DeleteAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/allowlist/{user.Name}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        api.Clock.Advance(Bound);

        var refused = await other.ClientWithToken(user.UserAccessToken).PostWireAsync(JoinUrl(experiment), new JoinInput(key));
        Assert.Contains("not on the allowlist", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABanThroughTheSameReplicaRefusesTheNextReJoinAtOnce()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var (user, key) = await RememberedOnAsync(api, experiment);

        await api.BanAsync(null, user.Name, "spam everywhere");

        var refused = await api.ClientWithToken(user.UserAccessToken).PostWireAsync(JoinUrl(experiment), new JoinInput(key));
        Assert.Contains("banned from every experiment", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyRememberedForOneUserOrExperimentIsNeverServedToAnotherFromMemory()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var (owner, key) = await RememberedOnAsync(api, experiment);
        var memory = api.Services.GetRequiredService<RejoinMemory>();
        var served = memory.Served;

        // Another account with the remembered key: refused as someone else's key, not handed the owner's token.
        var thief = await api.ClientWithToken(api.NewUser("thief").UserAccessToken).PostWireAsync(JoinUrl(experiment), new JoinInput(key));
        await thief.AssertProblemAsync(HttpStatusCode.Conflict);
        // The owner in another experiment: a token of that experiment, signed now, not the remembered one.
        var elsewhere = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var there = await JoinAsync(api, elsewhere, owner, key);
        var here = await JoinAsync(api, experiment, owner, key);

        Assert.NotEqual(here.Token.Token, there.Token.Token);
        Assert.Equal(served + 1, memory.Served); // only the owner's re-join in the first experiment
    }

    private async Task<FakeClockFactory> ReplicaAsync()
    {
        var other = api.Next();
        await other.InitializeAsync();
        return other;
    }

    /// <summary>A user whose token the replica <paramref name="host"/> answers re-joins with from memory (checked).</summary>
    private static async Task<(HubUser User, string Key)> RememberedOnAsync(FakeClockFactory host, ExperimentResponse experiment, HubUser? user = null)
    {
        user ??= host.NewUser("peer");
        var key = PeerKeys.New();
        var memory = host.Services.GetRequiredService<RejoinMemory>();
        await JoinAsync(host, experiment, user, key);
        await JoinAsync(host, experiment, user, key);
        var served = memory.Served;
        await JoinAsync(host, experiment, user, key);
        Assert.Equal(served + 1, memory.Served);
        return (user, key);
    }

    private static async Task<(string Body, JoinResponse Token)> JoinAsync(FakeClockFactory host, ExperimentResponse experiment, HubUser user, string key)
    {
        var response = await host.ClientWithToken(user.UserAccessToken).PostWireAsync(JoinUrl(experiment), new JoinInput(key));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (body, System.Text.Json.JsonSerializer.Deserialize<JoinResponse>(body, Moderation.Contracts.Json.WireJson.Options)!);
    }

    private static string JoinUrl(ExperimentResponse experiment) => $"/api/v1/experiments/demo-org/{experiment.ModelName}/join";
}
