using System.Net;
using Microsoft.Playwright;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>An attack as a moderator meets it: inflated reports are clipped, and ban plus rollback take three clicks.</summary>
[Collection(LiveSystem.Collection)]
public sealed class IncidentPagesTests(LiveSystem system)
{
    /// <summary>
    /// Three honest peers train steps 1-6; mallory joins at step 3 claiming 500x their rate. Checkpoints at steps 2, 4
    /// and 6. Answers the experiment, its API path and the checkpoint ids by step.
    /// </summary>
    private async Task<(ExperimentResponse Experiment, string Url, Dictionary<int, long> Checkpoints)> AttackedExperimentAsync()
    {
        var (experiment, url, aux) = await system.Api.OpenExperimentWithAuxAsync("contributions:write", "checkpoints:write");
        var honest = new Dictionary<string, double>();
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            honest[(await system.Api.JoinAsync(url, user)).PeerKeyFingerprint] = 100;
        }
        var attacked = new Dictionary<string, double>(honest) { [(await system.Api.JoinAsync(url, "mallory")).PeerKeyFingerprint] = 50_000 };
        var now = DateTimeOffset.UtcNow;
        await aux.SendAsync(url, ContributionSetup.Steps(honest, steps: 2, end: now.AddMinutes(-6)));
        await aux.SendAsync(url, ContributionSetup.Steps(attacked, steps: 4, end: now.AddMinutes(-1), firstStep: 3));
        var checkpoints = new Dictionary<int, long>();
        foreach (var step in new[] { 2, 4, 6 })
        {
            var registered = await aux.PostWireAsync($"{url}/checkpoints", new RegisterCheckpointRequest(
                step, $"demo-org/{experiment.ModelName}", CheckpointSetup.Revision(step), 2.0, now.AddMinutes(-8 + step)));
            checkpoints[step] = (await registered.ReadAsync<CheckpointResponse>(HttpStatusCode.Created)).Id;
        }
        await system.Api.LeaderboardAsync(url);
        return (experiment, url, checkpoints);
    }

    [Fact]
    public async Task FromTheClippedReportsAModeratorBansTheAttackerAndRollsBackInThreeClicks()
    {
        var (experiment, url, checkpoints) = await AttackedExperimentAsync();
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        var alice = await system.SignedInPageAsync("alice");
        await alice.SetViewportSizeAsync(1280, 900);
        await alice.GotoAsync($"{path}/contributions?flag=clipped");
        await Assertions.Expect(alice.GetByTestId("contributions").Locator("tbody tr")).ToHaveCountAsync(4);
        await alice.AssertAccessibleAsync();

        // 1: open the incident.
        await alice.GetByTestId("handle-incident").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("first-step")).ToHaveTextAsync("3");
        await Assertions.Expect(alice.GetByTestId("offenders")).ToContainTextAsync("mallory");
        await Assertions.Expect(alice.GetByTestId("offenders").Locator("tbody tr")).ToHaveCountAsync(1);
        var incidentCheckpoints = alice.GetByTestId("incident-checkpoints");
        await Assertions.Expect(incidentCheckpoints.Locator("tr.current")).ToContainTextAsync("6");
        await Assertions.Expect(incidentCheckpoints.GetByRole(AriaRole.Row).Filter(new() { HasText = "suggested target" })).ToContainTextAsync("2");
        await Assertions.Expect(alice.GetByTestId("rollback-preview")).ToContainTextAsync("steps 4, 6");
        await Assertions.Expect(alice.GetByLabel("Reason for the bans")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("from step 3"));
        await Assertions.Expect(alice.GetByTestId("incident-timeline").Locator("rect")).Not.ToHaveCountAsync(0);
        await alice.AssertAccessibleAsync();
        await alice.ScreenshotAsync("incident-view");

        // 2: confirm. 3: ban and roll back.
        await alice.GetByTestId("incident-confirm").CheckAsync();
        await alice.GetByTestId("incident-submit").ClickAsync();

        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("mallory is banned");
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("to step 2 started");
        await Assertions.Expect(alice.GetByTestId("rollback-status")).ToHaveTextAsync("succeeded", new() { Timeout = 30_000 });
        var bans = await (await system.Api.ClientFor("alice").GetAsync($"{url}/bans")).ReadAsync<List<BanResponse>>();
        var ban = Assert.Single(bans);
        Assert.Equal("mallory", ban.Username);
        Assert.Contains($"{path}/contributions?flag=clipped&username=mallory", ban.Evidence, StringComparison.Ordinal);

        // The checkpoints now: step 2 is current and marked; no rollback is offered to it or to the superseded ones.
        await alice.GotoAsync($"{path}/checkpoints");
        await Assertions.Expect(alice.GetByTestId("checkpoint-2").GetByTestId("current-badge")).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByTestId("checkpoint-6")).ToContainTextAsync("superseded");
        await Assertions.Expect(alice.Locator("[data-testid^='rollback-to-']")).ToHaveCountAsync(0);
        // The rollback is in the history, linking to its status page.
        await alice.GotoAsync($"{path}/rollbacks");
        await alice.GetByTestId("rollbacks").GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(alice.GetByTestId("rollback-status")).ToHaveTextAsync("succeeded");
        Assert.NotEqual(0, checkpoints[2]);
    }

    [Fact]
    public async Task FromAnHonestRowNothingIsWrittenOrTickedAndEachButtonSaysWhatItDoesToWhom()
    {
        var (experiment, _, _) = await AttackedExperimentAsync();
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        Assert.Equal(HttpStatusCode.Created, (await system.Api.ClientFor("alice").PutAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/moderators/dave", null)).StatusCode);

        // Owners see the service key's name; moderators, who may not list keys, a short id.
        var dave = await system.SignedInPageAsync("dave");
        await dave.GotoAsync($"{path}/contributions?flag=clipped");
        await Assertions.Expect(dave.GetByTestId("reported-by").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^service key [0-9a-f]{8}…$"));
        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"{path}/contributions?flag=clipped");
        await Assertions.Expect(alice.GetByTestId("reported-by").First).ToHaveTextAsync("service key “aux”");

        // bob's reports are honest: his row's action accuses him of nothing and does nothing unless asked.
        await alice.GotoAsync($"{path}/contributions?username=bob");
        await alice.GetByTestId("contributions").Locator("a[data-testid^='act-']").First.ClickAsync();
        await Assertions.Expect(alice.GetByLabel("Reason", new() { Exact = true })).ToHaveValueAsync("");
        await Assertions.Expect(alice.GetByTestId("act-user")).ToHaveTextAsync("bob");
        await Assertions.Expect(alice.GetByLabel("Evidence")).Not.ToHaveValueAsync(new System.Text.RegularExpressions.Regex("(?i)inflated|clipped"));
        await Assertions.Expect(alice.Locator("main input[type=checkbox]:checked")).ToHaveCountAsync(0);
        await Assertions.Expect(alice.GetByRole(AriaRole.Button, new() { Name = "Ban bob", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByRole(AriaRole.Button, new() { Name = "Revoke only peer key", Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByRole(AriaRole.Button, new() { Name = "Apply" })).ToHaveCountAsync(0);
        await alice.AssertAccessibleAsync();
        // Pressing Ban without a reason or the tick bans nobody (the browser asks for both first).
        await alice.GetByRole(AriaRole.Button, new() { Name = "Ban bob", Exact = true }).ClickAsync();
        await Assertions.Expect(alice.Locator("#act-reason:invalid")).ToHaveCountAsync(1);
        Assert.Empty(await (await system.Api.ClientFor("alice").GetAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/bans")).ReadAsync<List<BanResponse>>());

        // mallory's clipped report is evidence: the reason is written from it, and still nothing is ticked.
        await alice.GotoAsync($"{path}/contributions?flag=clipped");
        await alice.GetByTestId("contributions").GetByRole(AriaRole.Link, new() { Name = "Ban or revoke… mallory" }).First.ClickAsync();
        await Assertions.Expect(alice.GetByLabel("Reason", new() { Exact = true })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^Inflated contribution report: claimed .* at step \\d+, credited .* after clipping\\.$"));
        await Assertions.Expect(alice.GetByLabel("Evidence")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex($"{path}/contributions\\?flag=clipped&username=mallory$"));
        await Assertions.Expect(alice.Locator("main input[type=checkbox]:checked")).ToHaveCountAsync(0);
        await alice.GetByLabel("I confirm").CheckAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Ban mallory", Exact = true }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("mallory is banned");
        await Assertions.Expect(alice.GetByTestId("bans")).ToContainTextAsync("Inflated contribution report");

        // A peer row offers revoking that key alone, named.
        await alice.GotoAsync($"{path}/peers?username=bob");
        await alice.GetByTestId("peers").GetByRole(AriaRole.Link, new() { Name = "Ban or revoke… bob" }).ClickAsync();
        await alice.GetByLabel("Reason", new() { Exact = true }).FillAsync("key leaked in a public notebook");
        await alice.GetByLabel("I confirm").CheckAsync();
        await alice.GetByTestId("act-revoke").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("is revoked; bob is not banned");
    }

    [Fact]
    public async Task TheIncidentPageShowsWhatWasAlreadyDoneAndOffersOnlyWhatIsLeft()
    {
        var (experiment, url, checkpoints) = await AttackedExperimentAsync();
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        await (await system.Api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest("mallory", "inflated reports")))
            .ReadAsync<BanResponse>(HttpStatusCode.Created);

        // mallory is banned: she is marked so, not offered again; the rollback is all that is left.
        var alice = await system.SignedInPageAsync("alice");
        await alice.SetViewportSizeAsync(1280, 900);
        await alice.GotoAsync($"{path}/incident");
        await Assertions.Expect(alice.GetByTestId("incident-done")).ToContainTextAsync("mallory is banned — by alice");
        await Assertions.Expect(alice.GetByTestId("offenders").GetByTestId("offender-banned")).ToHaveCountAsync(1);
        await Assertions.Expect(alice.GetByTestId("incident-action").GetByRole(AriaRole.Checkbox, new() { Name = "mallory" })).ToHaveCountAsync(0);
        await Assertions.Expect(alice.GetByTestId("incident-submit")).ToHaveTextAsync("Roll back to step 2");
        await alice.AssertAccessibleAsync();

        var rollback = await (await system.Api.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(checkpoints[2], "attack from step 3")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        Assert.Equal("succeeded", (await system.Api.WaitForRollbackAsync(experiment.ModelName, rollback.Id)).Status);

        // Both done: said with who and when, and nothing is offered.
        await alice.ReloadAsync();
        var done = alice.GetByTestId("incident-done");
        await Assertions.Expect(done).ToContainTextAsync("mallory is banned — by alice");
        await Assertions.Expect(done).ToContainTextAsync("Rolled back to step 2 — by alice");
        await Assertions.Expect(done.GetByRole(AriaRole.Link, new() { Name = $"rollback #{rollback.Id}" })).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByTestId("incident-action")).ToHaveCountAsync(0);
        await Assertions.Expect(alice.GetByTestId("incident-handled")).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByTestId("incident-checkpoints")).Not.ToContainTextAsync("suggested target");
        await alice.AssertAccessibleAsync();
    }
}
