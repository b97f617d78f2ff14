using System.Net;
using Microsoft.Playwright;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>An owner runs an experiment from the console: creates it, changes every setting, moderators, keys, and deletes it.</summary>
[Collection(LiveSystem.Collection)]
public sealed class OwnerPagesTests(LiveSystem system)
{
    [Fact]
    public async Task AnOwnerCreatesAnExperimentAndChangesEverySettingWithRefusalsShownByField()
    {
        var name = "console-" + Guid.NewGuid().ToString("N")[..8];
        var api = $"/api/v1/experiments/demo-org/{name}";
        var alice = await system.SignedInPageAsync("alice");
        await alice.GetByTestId("new-experiment").ClickAsync();
        await Assertions.Expect(alice.GetByRole(AriaRole.Textbox, new() { Name = "Organization" })).ToHaveValueAsync("demo-org");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Model" }).FillAsync(name);
        await alice.GetByLabel("the allowlist only").CheckAsync();
        await alice.AssertAccessibleAsync();
        await alice.GetByTestId("create-experiment").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync($"demo-org/{name} was created");
        await Assertions.Expect(alice.GetByRole(AriaRole.Link, new() { Name = "Settings" })).ToHaveAttributeAsync("aria-current", "page");

        // Creating it again: the API's 409, beside the form, with the name kept.
        await alice.GotoAsync("/experiments/new");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Model" }).FillAsync(name);
        await alice.GetByTestId("create-experiment").ClickAsync();
        await Assertions.Expect(alice.AlertFor("create")).ToContainTextAsync("already");
        await Assertions.Expect(alice.GetByRole(AriaRole.Textbox, new() { Name = "Model" })).ToHaveValueAsync(name);

        await alice.GotoAsync($"/experiments/demo-org/{name}");
        await alice.GetByTestId("settings-link").ClickAsync();
        await Assertions.Expect(alice.GetByLabel("the allowlist only")).ToBeCheckedAsync();
        // Out of range: said under the field in the hint's own units, without the API's field name.
        await alice.GetByLabel("Peer token lifetime (minutes)").FillAsync("1");
        await alice.GetByTestId("save-settings").ClickAsync();
        await Assertions.Expect(alice.Locator("#settings-token_lifetime_minutes-error")).ToContainTextAsync("from 5 to 10,080 (7 days)");
        await Assertions.Expect(alice.Locator("#settings-token_lifetime_minutes-error")).Not.ToContainTextAsync("token_lifetime_minutes");
        await Assertions.Expect(alice.GetByLabel("Peer token lifetime (minutes)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(alice.GetByLabel("Peer token lifetime (minutes)")).ToHaveValueAsync("1");
        await alice.GetByLabel("Peer token lifetime (minutes)").FillAsync("90");
        await alice.GetByLabel("anyone signed in").CheckAsync();
        await alice.GetByLabel("moderators only").CheckAsync();
        await alice.GetByLabel("Coordinator IP").FillAsync("192.0.2.10");
        await alice.GetByLabel("Coordinator port").FillAsync("4000");
        await alice.GetByLabel("Peer keys per user").FillAsync("5");
        await alice.GetByTestId("save-settings").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("Settings saved");
        var saved = await (await system.Api.ClientFor("alice").GetAsync(api)).ReadAsync<ExperimentResponse>();
        Assert.Equal((AccessPolicy.Open, 90, false, "192.0.2.10", (int?)4000, 5),
            (saved.AccessPolicy, saved.TokenLifetimeMinutes, saved.LeaderboardVisible, saved.CoordinatorIp, saved.CoordinatorPort, saved.MaxPeerKeysPerUser));

        // Allowed checkpoint repositories, one per line: a malformed one is refused, then saved.
        await alice.GetByLabel("Other repositories").FillAsync("other-org/checkpoints\nnot a repository");
        await alice.GetByTestId("save-repositories").ClickAsync();
        await Assertions.Expect(alice.AlertFor("repositories")).ToContainTextAsync("must be a Hub repository id");
        await Assertions.Expect(alice.GetByLabel("Other repositories")).ToHaveValueAsync("other-org/checkpoints\nnot a repository");
        // Another organization's repository takes a global admin (alice owns demo-org only here).
        await alice.GetByLabel("Other repositories").FillAsync("other-org/checkpoints");
        await alice.GetByTestId("save-repositories").ClickAsync();
        await Assertions.Expect(alice.AlertFor("repositories")).ToContainTextAsync("Only a global admin may allow");
        await alice.GetByLabel("Other repositories").FillAsync("demo-org/checkpoints");
        await alice.GetByTestId("save-repositories").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("and 1 other repository");
        Assert.Equal(["demo-org/checkpoints"], (await (await system.Api.ClientFor("alice").GetAsync(api)).ReadAsync<ExperimentResponse>()).AllowedCheckpointRepositories);

        // Grants: a name the Hub does not know, a dot name the console will not send, then carol as moderator and bob as owner.
        var grantee = alice.GetByLabel("Grant a role to");
        await grantee.FillAsync("no-such-user-42");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Grant" }).ClickAsync();
        await Assertions.Expect(alice.AlertFor("grant")).ToContainTextAsync("There is no Hugging Face user named 'no-such-user-42'");
        await grantee.FillAsync("..");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Grant" }).ClickAsync();
        await Assertions.Expect(alice.AlertFor("grant")).ToContainTextAsync("'..' is not a name");
        await grantee.FillAsync("bob");
        await alice.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("owner");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Grant" }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("bob is an owner");
        await Assertions.Expect(alice.GetByTestId("moderators").GetByRole(AriaRole.Row).Filter(new() { HasText = "bob" })).ToContainTextAsync("owner");
        await grantee.FillAsync("carol");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Grant" }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("moderators")).ToContainTextAsync("carol");
        var carolRow = alice.GetByTestId("moderators").GetByRole(AriaRole.Row).Filter(new() { HasText = "carol" });
        await carolRow.GetByLabel("confirm").CheckAsync();
        await carolRow.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("carol is no longer a moderator");
        await Assertions.Expect(alice.GetByTestId("moderators")).Not.ToContainTextAsync("carol");

        Task<int> KeysAsync() => system.Api.QueryDbAsync(db => Task.FromResult(db.ExperimentKeys.Count(k => k.ExperimentId == saved.Id)));
        var keysBefore = await KeysAsync();
        await alice.GetByLabel("I understand peers re-join after a rotation").CheckAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Rotate the signing key" }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("A new signing key is in use");
        Assert.Equal(keysBefore + 1, await KeysAsync());
        await alice.AssertAccessibleAsync();

        // Deleting needs the name typed.
        await alice.GetByLabel($"Type demo-org/{name} to confirm").FillAsync("demo-org/other");
        await alice.GetByTestId("delete-experiment").ClickAsync();
        await Assertions.Expect(alice.AlertFor("delete")).ToContainTextAsync($"Type demo-org/{name} exactly");
        Assert.Equal(HttpStatusCode.OK, (await system.Api.ClientFor("alice").GetAsync(api)).StatusCode);
        await alice.GetByLabel($"Type demo-org/{name} to confirm").FillAsync($"demo-org/{name}");
        await alice.GetByTestId("delete-experiment").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync($"demo-org/{name} was deleted");
        Assert.Equal(HttpStatusCode.NotFound, (await system.Api.ClientFor("alice").GetAsync(api)).StatusCode);
    }

    [Fact]
    public async Task AServiceKeySecretIsShownOnceOnAPageThatCannotCreateAnotherKeyOnReload()
    {
        var experiment = await system.Api.CreateExperimentAsync();
        var api = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"/experiments/demo-org/{experiment.ModelName}/service-keys");

        await alice.GetByLabel("Key name").FillAsync("aux-peer-1");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(alice.AlertFor("create")).ToContainTextAsync("The scopes must list at least one");
        await Assertions.Expect(alice.GetByLabel("Key name")).ToHaveValueAsync("aux-peer-1");

        await alice.GetByLabel("contributions:write").CheckAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(alice).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/service-keys/new$"));
        var secret = (await alice.GetByTestId("new-secret").TextContentAsync())!;
        Assert.StartsWith("msk_", secret, StringComparison.Ordinal);
        await Assertions.Expect(alice.GetByRole(AriaRole.Button, new() { Name = "Copy" }).First).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByTestId("usage")).ToContainTextAsync($"{system.ApiUrl}{api}/contributions");
        await alice.AssertAccessibleAsync();

        // The secret works; reloading shows it is gone and creates nothing.
        var batch = await system.Api.ClientWithToken(secret).PostWireAsync($"{api}/contributions", new Moderation.Contracts.Contributions.ContributionBatch([]));
        Assert.NotEqual(HttpStatusCode.Unauthorized, batch.StatusCode);
        await alice.ReloadAsync();
        await Assertions.Expect(alice.GetByTestId("secret-gone")).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByTestId("new-secret")).ToHaveCountAsync(0);
        await Assertions.Expect(alice.Locator("main form[method=post]")).ToHaveCountAsync(0);
        var keys = await (await system.Api.ClientFor("alice").GetAsync($"{api}/service-keys")).ReadAsync<List<ServiceKeyResponse>>();
        Assert.Single(keys);
    }
}
