using System.Net;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Client;
using Moderation.Contracts.Join;
using Moderation.Contracts.Moderation;
using Moderation.Contracts.Tokens;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Checkpoints;

/// <summary>
/// Peers keep the current-checkpoint document with the latest <c>issued_at</c> and ignore older ones (a replica that has
/// not caught up yet), so every change of the current checkpoint must be signed later than the document it replaces.
/// </summary>
public sealed class CurrentCheckpointOrderTests(FakeClockFactory api) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task ACheckpointThatIsCurrentAgainAfterAQuarantineIsSignedLaterThanTheQuarantinedOne()
    {
        var experiment = await api.CreateExperimentAsync();
        var name = experiment.ModelName;
        var url = $"/api/v1/experiments/demo-org/{name}";
        var key = await (await api.ClientFor("alice").PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("aux", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        var aux = api.ClientWithToken(key.Secret!);
        using var keys = ExperimentKeySet.FromJwks(await new ModerationClient(api.CreateClient()).GetJwksAsync("demo-org", name));

        async Task<CurrentCheckpoint> CurrentAsync()
        {
            var (current, error) = await CurrentCheckpoint.VerifyAsync(await api.CreateClient().GetStringAsync($"{url}/checkpoints/current"), keys, $"demo-org/{name}");
            Assert.Null(error);
            return current!;
        }

        async Task<CheckpointResponse> RegisterAsync(int step) =>
            await (await aux.PostWireAsync($"{url}/checkpoints", new RegisterCheckpointRequest(
                step, $"demo-org/{name}", Revision(step), 2.0, DateTimeOffset.UtcNow.AddMinutes(-1), 1_000)))
                .ReadAsync<CheckpointResponse>(HttpStatusCode.Created);

        await RegisterAsync(100);
        Assert.Equal(100, (await CurrentAsync()).Step);  // peers poll it: this replica signed it
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        var bad = await RegisterAsync(200);
        var quarantined = await CurrentAsync();
        Assert.Equal(200, quarantined.Step);
        api.Clock.Advance(TimeSpan.FromMinutes(1));

        await (await api.ClientFor("alice").PostWireAsync($"{url}/checkpoints/{bad.Id}/quarantine", new QuarantineRequest("poisoned")))
            .ReadAsync<CheckpointResponse>();
        var after = await CurrentAsync();
        Assert.Equal(100, after.Step);
        Assert.True(after.IssuedAt > quarantined.IssuedAt,
            $"issued at {after.IssuedAt}, not after the quarantined checkpoint's document ({quarantined.IssuedAt}): peers holding that one ignore it");
    }
}
