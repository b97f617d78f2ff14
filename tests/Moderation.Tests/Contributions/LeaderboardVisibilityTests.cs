using System.Net;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Contributions;

/// <summary>A leaderboard its owners hide is hidden at once on every replica, though each keeps an output cache of its own.</summary>
public sealed class LeaderboardVisibilityTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task ALeaderboardHiddenThroughOneReplicaIsGoneAtOnceFromTheOther()
    {
        await using var other = await AuthApiReplica.StartAsync(api);
        var (experiment, url, aux) = await api.OpenExperimentWithAuxAsync();
        var peer = await api.JoinAsync(url, "bob");
        Assert.Equal(1, (await aux.SendAsync(url, [ContributionSetup.Report(peer.PeerKeyFingerprint, 1, 600, 10, DateTimeOffset.UtcNow.AddMinutes(-1))])).Stored);
        string[] reads = [$"{url}/leaderboard", $"{url}/leaderboard?window=7d", $"{url}/leaderboard.csv", $"{url}/leaderboard/history"];
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor("alice").PostAsync($"{url}/leaderboard/refresh", null)).StatusCode);
        var anonymous = other.CreateClient();
        foreach (var read in reads)
        {
            // Twice: the second answer comes from the other replica's output cache.
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(read)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(read)).StatusCode);
        }
        Assert.Contains(experiment.ModelName, await anonymous.GetStringAsync("/api/v1/leaderboards"), StringComparison.Ordinal);

        var hidden = await api.ClientFor("alice").PatchWireAsync(url, new UpdateExperimentRequest(LeaderboardVisible: false));
        Assert.Equal(HttpStatusCode.OK, hidden.StatusCode);

        foreach (var read in reads)
        {
            await (await anonymous.GetAsync(read)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.DoesNotContain(experiment.ModelName, await anonymous.GetStringAsync("/api/v1/leaderboards"), StringComparison.Ordinal);
        // Its moderators still see it, on either replica.
        Assert.Equal(HttpStatusCode.OK, (await other.ClientFor("alice").GetAsync(reads[0])).StatusCode);
    }
}
