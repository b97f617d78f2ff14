using Microsoft.Playwright;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

// Browser tests run one class at a time, all on one running system (see BrowserTestGroup).
[Collection(LiveSystem.Collection)]
public sealed class CheckpointPagesTests(LiveSystem system)
{
    [Fact]
    public async Task OwnerCreatesAServiceKeySeesItsSecretOnceAndQuarantinesACheckpointItRegistered()
    {
        var experiment = await system.Api.CreateExperimentAsync();
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        var alice = await system.SignedInPageAsync("alice");

        await alice.GotoAsync($"{path}/service-keys");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Key name" }).FillAsync("aux-peer-1");
        await alice.GetByRole(AriaRole.Checkbox, new() { Name = "checkpoints:write" }).CheckAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var secret = await alice.GetByTestId("new-secret").TextContentAsync();
        Assert.StartsWith("msk_", secret, StringComparison.Ordinal);
        await alice.GotoAsync($"{path}/service-keys");
        await Assertions.Expect(alice.GetByTestId("new-secret")).ToHaveCountAsync(0);
        await Assertions.Expect(alice.GetByTestId("service-keys")).ToContainTextAsync("aux-peer-1");

        // The auxiliary peer registers a checkpoint with the secret it was given.
        var registered = await system.Api.ClientWithToken(secret).PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/checkpoints",
            new RegisterCheckpointRequest(1200, "demo-org/demo-model", new string('a', 40), 1.75, DateTimeOffset.UtcNow.AddMinutes(-2)));
        Assert.Equal(System.Net.HttpStatusCode.Created, registered.StatusCode);

        await alice.GotoAsync($"{path}/checkpoints");
        await Assertions.Expect(alice.GetByTestId("checkpoints")).ToContainTextAsync("1200");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Reason for quarantining step 1200" }).FillAsync("loss spike after bad gradients");
        await alice.GetByRole(AriaRole.Checkbox, new() { Name = "confirm" }).CheckAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Quarantine" }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("quarantined");
        await Assertions.Expect(alice.GetByTestId("checkpoints")).ToContainTextAsync("loss spike after bad gradients");
    }

    [Fact]
    public async Task ModeratorRollsBackFromTheUiAndSeesItSucceed()
    {
        var experiment = await system.Api.CreateExperimentAsync();
        var api = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var key = await (await system.Api.ClientFor("alice").PostWireAsync($"{api}/service-keys", new CreateServiceKeyRequest("aux", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(System.Net.HttpStatusCode.Created);
        foreach (var (step, revision) in new[] { (100, new string('b', 40)), (200, new string('c', 40)) })
        {
            var registered = await system.Api.ClientWithToken(key.Secret).PostWireAsync($"{api}/checkpoints",
                new RegisterCheckpointRequest(step, "demo-org/demo-model", revision, 2.0, DateTimeOffset.UtcNow.AddMinutes(-3)));
            Assert.Equal(System.Net.HttpStatusCode.Created, registered.StatusCode);
        }

        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"/experiments/demo-org/{experiment.ModelName}/checkpoints");
        await alice.GetByTestId("rollback-to-100").ClickAsync();

        await Assertions.Expect(alice.GetByTestId("rollback-preview")).ToContainTextAsync("steps 200");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Reason for the rollback" }).FillAsync("attack began at step 150");
        await alice.GetByRole(AriaRole.Checkbox, new() { Name = "I confirm this rollback" }).CheckAsync();
        await alice.GetByTestId("confirm-rollback").ClickAsync();

        // The status page refreshes itself until the job is done.
        await Assertions.Expect(alice.GetByTestId("rollback-status")).ToHaveTextAsync("succeeded", new() { Timeout = 30_000 });
        await alice.GotoAsync($"/experiments/demo-org/{experiment.ModelName}/checkpoints");
        await Assertions.Expect(alice.GetByTestId("checkpoints")).ToContainTextAsync("superseded");
        // Neither the superseded checkpoint nor the current one is offered; the API refuses both too (RollbackTests).
        await Assertions.Expect(alice.GetByTestId("rollback-to-200")).ToHaveCountAsync(0);
        await Assertions.Expect(alice.GetByTestId("rollback-to-100")).ToHaveCountAsync(0);
    }
}
