using System.Net;
using Microsoft.Playwright;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>
/// Every action's refusal reaches the person who asked: after the redirect the API's own words are in an alert beside
/// the form, field errors under their field, and the form still holds what was typed. Names typed into forms never
/// become paths that navigate ("..").
/// </summary>
[Collection(LiveSystem.Collection)]
public sealed class FeedbackPagesTests(LiveSystem system)
{
    [Fact]
    public async Task TheBanFormShowsTheApisRefusalsBesideItAndKeepsWhatWasTyped()
    {
        var experiment = await system.Api.CreateExperimentAsync();
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"{path}/bans");

        // An unknown user: the API's 422.
        await alice.GetByLabel("Username to ban").FillAsync("no-such-user-42");
        await alice.GetByLabel("Reason", new() { Exact = true }).FillAsync("sent NaN gradients");
        await alice.GetByLabel("Evidence").FillAsync("reports 10-14");
        await alice.GetByLabel("I confirm this ban").CheckAsync();
        await alice.GetByTestId("ban").ClickAsync();
        await Assertions.Expect(alice.AlertFor("ban")).ToContainTextAsync("There is no Hugging Face user named 'no-such-user-42'");
        await Assertions.Expect(alice.GetByLabel("Username to ban")).ToHaveValueAsync("no-such-user-42");
        // The refusal is about the name: that field is marked invalid and says so under itself.
        await Assertions.Expect(alice.GetByLabel("Username to ban")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(alice.Locator("#ban-username-error")).ToContainTextAsync("no-such-user-42");
        await Assertions.Expect(alice.GetByLabel("Reason", new() { Exact = true })).ToHaveValueAsync("sent NaN gradients");
        await Assertions.Expect(alice.GetByLabel("Evidence")).ToHaveValueAsync("reports 10-14");
        Assert.Empty(await system.Api.QueryDbAsync(db => Task.FromResult(db.Bans.Where(b => b.ExperimentId == experiment.Id).ToList())));

        // An end time in the past: the API's 400, with the field's own error under the field.
        await alice.GetByLabel("Username to ban").FillAsync("bob");
        await alice.GetByText("Or until an exact time").ClickAsync();
        await alice.GetByLabel("Until (UTC)").FillAsync("2020-01-01T10:00");
        await alice.GetByLabel("I confirm this ban").CheckAsync();
        await alice.GetByTestId("ban").ClickAsync();
        // In the form's words, not the API's field names.
        await Assertions.Expect(alice.AlertFor("ban")).ToContainTextAsync("The end of the ban must be in the future");
        await Assertions.Expect(alice.AlertFor("ban")).Not.ToContainTextAsync("expires_at");
        await Assertions.Expect(alice.Locator("#ban-expires_at-error")).ToContainTextAsync("must be in the future");
        await Assertions.Expect(alice.GetByLabel("Until (UTC)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(alice.GetByLabel("Until (UTC)")).ToHaveValueAsync("2020-01-01T10:00");

        // Unbanning someone another moderator unbanned meanwhile: the API's 404 in that row.
        await system.Api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/bans", new CreateBanRequest("carol", "spam"));
        await alice.ReloadAsync();
        var row = alice.GetByTestId("bans").GetByRole(AriaRole.Row).Filter(new() { HasText = "carol" });
        Assert.Equal(HttpStatusCode.NoContent, (await system.Api.ClientFor("alice").DeleteAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/bans/carol")).StatusCode);
        await row.GetByLabel("confirm").CheckAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Unban" }).ClickAsync();
        await Assertions.Expect(alice.AlertFor("unban:carol")).ToContainTextAsync("carol is not banned");
        await alice.AssertAccessibleAsync();
    }

    [Fact]
    public async Task AllowlistActionsShowTheirRefusalsAndADotNameIsNeverSent()
    {
        var experiment = await system.Api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var api = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"/experiments/demo-org/{experiment.ModelName}/allowlist");

        await alice.GetByLabel("Hugging Face username").FillAsync("no-such-user-42");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(alice.AlertFor("add")).ToContainTextAsync("There is no Hugging Face user named 'no-such-user-42'");
        await Assertions.Expect(alice.GetByLabel("Hugging Face username")).ToHaveValueAsync("no-such-user-42");
        await Assertions.Expect(alice.GetByLabel("Hugging Face username")).ToHaveAttributeAsync("aria-invalid", "true");

        // ".." would be resolved to the experiment itself (issue 11): the console refuses to send it.
        await alice.GetByLabel("Hugging Face username").FillAsync("..");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(alice.AlertFor("add")).ToContainTextAsync("'..' is not a name");
        Assert.Equal(HttpStatusCode.OK, (await system.Api.ClientFor("alice").GetAsync(api)).StatusCode);

        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Usernames" }).FillAsync("   ");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Assertions.Expect(alice.AlertFor("import")).ToContainTextAsync("The import must list at least one username");

        // Removing someone already removed: the API's 404 in the row.
        await system.Api.AllowlistAsync(experiment, "bob");
        await alice.ReloadAsync();
        var row = alice.GetByTestId("allowlist").GetByRole(AriaRole.Row).Filter(new() { HasText = "bob" });
        Assert.Equal(HttpStatusCode.NoContent, (await system.Api.ClientFor("alice").DeleteAsync($"{api}/allowlist/bob")).StatusCode);
        await row.GetByLabel("confirm").CheckAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Assertions.Expect(alice.AlertFor("remove:bob")).ToContainTextAsync("bob is not on the allowlist");
        Assert.Equal(HttpStatusCode.OK, (await system.Api.ClientFor("alice").GetAsync(api)).StatusCode);
    }

    [Fact]
    public async Task RequestPeerCheckpointAndRollbackActionsShowTheirRefusals()
    {
        var (name, ids) = await system.Api.ExperimentWithCheckpointsAsync(100, 200);
        var api = $"/api/v1/experiments/demo-org/{name}";
        var path = $"/experiments/demo-org/{name}";
        Assert.Equal(HttpStatusCode.OK, (await system.Api.ClientFor("alice").PatchWireAsync(api, new UpdateExperimentRequest(AccessPolicy: AccessPolicy.Allowlist))).StatusCode);
        var carol = await (await system.Api.ClientFor("carol").PostWireAsync($"{api}/join-requests", new CreateJoinRequestRequest("hi"))).ReadAsync<JoinRequestResponse>(HttpStatusCode.Created);
        await (await system.Api.ClientFor("mallory").PostWireAsync($"{api}/join-requests", new CreateJoinRequestRequest("me too"))).ReadAsync<JoinRequestResponse>(HttpStatusCode.Created);
        await system.Api.JoinAsync(api, "alice");

        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"{path}/requests");
        // Rejecting needs a reason the user will read.
        await alice.GetByTestId("reject-mallory").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("request-mallory").GetByRole(AriaRole.Alert)).ToContainTextAsync("The reason is required to reject");
        // Approving a request another moderator decided meanwhile.
        await system.Api.ClientFor("alice").PostWireAsync($"{api}/join-requests/{carol.Id}/reject", new DecideJoinRequestRequest("not now"));
        await alice.GetByTestId("approve-carol").ClickAsync();
        await Assertions.Expect(alice.AlertFor($"decide:{carol.Id}")).ToContainTextAsync("already rejected");

        await alice.GotoAsync($"{path}/peers");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Reason for revoking alice's peer" }).FillAsync(" ");
        await alice.GetByTestId("peers").GetByLabel("confirm").CheckAsync();
        await alice.GetByTestId("peers").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("peers").GetByRole(AriaRole.Alert)).ToContainTextAsync("The reason must not be empty");

        await alice.GotoAsync($"{path}/checkpoints");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Reason for quarantining step 100" }).FillAsync(" ");
        await alice.GetByTestId("checkpoint-100").GetByLabel("confirm").CheckAsync();
        await alice.GetByTestId("checkpoint-100").GetByRole(AriaRole.Button, new() { Name = "Quarantine" }).ClickAsync();
        await Assertions.Expect(alice.AlertFor($"quarantine:{ids[100]}")).ToContainTextAsync("The reason must not be empty");

        await alice.GetByTestId("rollback-to-100").ClickAsync();
        await alice.GetByLabel("Reason for the rollback").FillAsync(" ");
        await alice.GetByLabel("I confirm this rollback").CheckAsync();
        await alice.GetByTestId("confirm-rollback").ClickAsync();
        await Assertions.Expect(alice.AlertFor("rollback")).ToContainTextAsync("The reason must not be empty");
        Assert.Equal(0, await system.Api.QueryDbAsync(db => Task.FromResult(db.Rollbacks.Count(r => db.Experiments.Any(e => e.Id == r.ExperimentId && e.ModelName == name)))));
    }

    [Fact]
    public async Task ParticipantsSeeOnlyTheRefusalOnModeratorPagesAndModeratorsOnOwnerPages()
    {
        var experiment = await system.Api.CreateExperimentAsync();
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        var bob = await system.SignedInPageAsync("bob");
        foreach (var page in new[] { "requests", "allowlist", "bans", "peers", "contributions", "incident", "checkpoints", "rollbacks", "audit", "act?username=carol", "settings", "service-keys" })
        {
            await bob.GotoAsync($"{path}/{page}");
            await Assertions.Expect(bob.GetByTestId("problem")).ToContainTextAsync("Only ");
            // Nothing below the refusal: no list, no empty-list wording, no form to act with.
            await Assertions.Expect(bob.Locator("main table, main form[method=post], main [data-testid^='no-']")).ToHaveCountAsync(0);
            await Assertions.Expect(bob.Locator("main")).Not.ToContainTextAsync("Nobody is banned");
        }
        await bob.AssertAccessibleAsync();

        Assert.Equal(HttpStatusCode.Created, (await system.Api.ClientFor("alice").PutAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/moderators/carol", null)).StatusCode);
        var carol = await system.SignedInPageAsync("carol");
        await carol.GotoAsync($"{path}/settings");
        await Assertions.Expect(carol.GetByTestId("problem")).ToContainTextAsync($"Only owners of demo-org/{experiment.ModelName}");
        await Assertions.Expect(carol.Locator("main form[method=post]")).ToHaveCountAsync(0);
        await carol.GotoAsync($"{path}/bans");
        await Assertions.Expect(carol.GetByTestId("ban")).ToBeVisibleAsync();
    }
}
