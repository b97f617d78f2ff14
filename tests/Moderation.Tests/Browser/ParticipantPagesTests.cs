using System.Net;
using Microsoft.Playwright;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>A participant's way in: from the public pages to the console, their state in one vocabulary, and a quick start once admitted.</summary>
[Collection(LiveSystem.Collection)]
public sealed class ParticipantPagesTests(LiveSystem system)
{
    [Fact]
    public async Task AParticipantComesFromTheLeaderboardAsksToJoinAndOnceAdmittedGetsACopyPasteQuickStart()
    {
        var experiment = await system.Api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var name = experiment.ModelName;
        var api = $"/api/v1/experiments/demo-org/{name}";
        var carol = await system.SignedInPageAsync("carol");

        // The public tabs page lists the runs, and a run's leaderboard leads to the console.
        await carol.GotoAsync(system.ApiUrl + "/");
        await carol.GetByRole(AriaRole.Link, new() { Name = "Join a training run" }).ClickAsync();
        await Assertions.Expect(carol.GetByTestId("leaderboard-links").GetByRole(AriaRole.Link, new() { Name = $"Join this run: demo-org/{name}" })).ToBeVisibleAsync();
        await carol.GotoAsync($"{system.ApiUrl}/leaderboard/demo-org/{name}");
        await carol.GetByRole(AriaRole.Link, new() { Name = "Join this run" }).ClickAsync();
        await Assertions.Expect(carol).ToHaveURLAsync($"{system.UiUrl}/experiments/demo-org/{name}");
        await Assertions.Expect(carol.GetByTestId("membership-status")).ToHaveTextAsync("not requested");
        await Assertions.Expect(carol.GetByTestId("quick-start")).ToHaveCountAsync(0);

        await carol.GetByLabel("Message to the moderators").FillAsync("One RTX 4090, evenings UTC");
        await carol.GetByTestId("request-access").ClickAsync();
        await Assertions.Expect(carol.GetByTestId("notice")).ToContainTextAsync("sent to the moderators");
        await Assertions.Expect(carol.GetByTestId("membership-status")).ToHaveTextAsync("pending");
        await Assertions.Expect(carol.Locator("main")).ToContainTextAsync("One RTX 4090, evenings UTC");

        var request = Assert.Single(await (await system.Api.ClientFor("alice").GetAsync($"{api}/join-requests")).ReadAsync<List<JoinRequestResponse>>());
        await system.Api.ClientFor("alice").PostWireAsync($"{api}/join-requests/{request.Id}/approve", new DecideJoinRequestRequest());
        await carol.ReloadAsync();
        await Assertions.Expect(carol.GetByTestId("membership-status")).ToHaveTextAsync("admitted");
        var quickStart = carol.GetByTestId("quick-start");
        await Assertions.Expect(quickStart.GetByTestId("server-url")).ToHaveTextAsync(system.ApiUrl);
        await Assertions.Expect(quickStart.GetByTestId("org-name")).ToHaveTextAsync("demo-org");
        await Assertions.Expect(quickStart.GetByTestId("model-name")).ToHaveTextAsync(name);
        await Assertions.Expect(quickStart).ToContainTextAsync("Hugging Face user access token");
        var snippet = quickStart.GetByTestId("authorizer-snippet");
        await Assertions.Expect(snippet).ToContainTextAsync($"server_url=\"{system.ApiUrl}\"");
        await Assertions.Expect(snippet).ToContainTextAsync($"model_name=\"{name}\"");
        await Assertions.Expect(quickStart.GetByRole(AriaRole.Button, new() { Name = "Copy" }).First).ToBeVisibleAsync();
        await Assertions.Expect(quickStart.GetByTestId("leaderboard-link")).ToHaveAttributeAsync("href", $"{system.ApiUrl}/leaderboard/demo-org/{name}");
        await carol.AssertAccessibleAsync();
    }

    [Fact]
    public async Task RejectedAndBannedParticipantsAreToldWhyInTheSameWords()
    {
        var experiment = await system.Api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var api = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        var request = await (await system.Api.ClientFor("mallory").PostWireAsync($"{api}/join-requests", new CreateJoinRequestRequest())).ReadAsync<JoinRequestResponse>(HttpStatusCode.Created);
        await system.Api.ClientFor("alice").PostWireAsync($"{api}/join-requests/{request.Id}/reject", new DecideJoinRequestRequest("full for this round"));
        await system.Api.ClientFor("alice").PostWireAsync($"{api}/bans", new CreateBanRequest("dave", "sent NaN gradients"));

        var mallory = await system.SignedInPageAsync("mallory");
        await mallory.GotoAsync(path);
        await Assertions.Expect(mallory.GetByTestId("membership-status")).ToHaveTextAsync("rejected");
        await Assertions.Expect(mallory.GetByTestId("membership-reason")).ToContainTextAsync("full for this round");
        await Assertions.Expect(mallory.GetByTestId("request-access")).ToBeVisibleAsync();

        var dave = await system.SignedInPageAsync("dave");
        await dave.GotoAsync(path);
        await Assertions.Expect(dave.GetByTestId("membership-status")).ToHaveTextAsync("banned");
        await Assertions.Expect(dave.GetByTestId("membership-reason")).ToContainTextAsync("sent NaN gradients");
        await Assertions.Expect(dave.GetByTestId("request-access")).ToHaveCountAsync(0);
        await Assertions.Expect(dave.GetByTestId("quick-start")).ToHaveCountAsync(0);

        // Asking after a moderator admitted you meanwhile: the API's 409 beside the form, the message kept.
        await mallory.GetByLabel("Message to the moderators").FillAsync("second try");
        await system.Api.AllowlistAsync(experiment, "mallory");
        await mallory.GetByTestId("request-access").ClickAsync();
        await Assertions.Expect(mallory.AlertFor("request")).ToContainTextAsync("no request is needed");
        await Assertions.Expect(mallory.GetByTestId("membership-status")).ToHaveTextAsync("admitted");
    }
}
