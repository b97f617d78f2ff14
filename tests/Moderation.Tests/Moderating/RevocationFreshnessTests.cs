using Moderation.Contracts.Client;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Moderating;

/// <summary>
/// Two replicas (two AuthApi hosts on one database, one clock the test moves): a revocation list read a second after a
/// ban made through the other replica has the ban, however long the reader sat idle before.
/// </summary>
public sealed class RevocationFreshnessTests(FakeClockFactory api) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task AnIdleReplicasFirstReadASecondAfterABanThroughTheOtherHasTheBan()
    {
        await using var other = api.Next();
        await other.InitializeAsync();
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var user = api.NewUser("spammer");
        // A ban names an account on the list while it holds a live token.
        await new ModerationClient(api.CreateClient()).JoinAsync(user.UserAccessToken, "demo-org", experiment.ModelName, PeerKeys.New());
        Assert.DoesNotContain(user.Name, await RevocationLists.BannedAsync(other.CreateClient(), "demo-org", experiment.ModelName));

        api.Clock.Advance(TimeSpan.FromSeconds(30)); // the other replica is asked nothing meanwhile
        await api.BanAsync(experiment, user.Name, "spam");
        api.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Contains(user.Name, await RevocationLists.BannedAsync(other.CreateClient(), "demo-org", experiment.ModelName));
    }
}
