using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>The public pages as volunteers meet them: a list of runs to join, honest charts after a rollback, an API reference that explains itself.</summary>
[Collection(LiveSystem.Collection)]
public sealed class PublicPagesTests(LiveSystem system)
{
    [Fact]
    public async Task JoinATrainingRunOpensTheListOfRunsWithWhoMayJoinHowManyAreCreditedAndWhenLast()
    {
        var (experiment, url, aux) = await system.Api.OpenExperimentWithAuxAsync();
        var rates = new Dictionary<string, double>
        {
            [(await system.Api.JoinAsync(url, "bob")).PeerKeyFingerprint] = 100,
            [(await system.Api.JoinAsync(url, "carol")).PeerKeyFingerprint] = 120,
        };
        await aux.SendAsync(url, ContributionSetup.Steps(rates, steps: 2));
        await system.Api.LeaderboardAsync(url);

        var page = await system.NewPageAsync();
        await page.GotoAsync(system.ApiUrl + "/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Join a training run" }).ClickAsync();
        // Not a sign-in page: the list of runs, focused.
        Assert.StartsWith(system.ApiUrl, page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Leaderboards" })).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Leaderboards" })).ToBeFocusedAsync();
        var run = page.GetByTestId("leaderboard-links").Locator("li.run", new() { HasText = $"demo-org/{experiment.ModelName}" });
        await Assertions.Expect(run).ToContainTextAsync("Anyone signed in with Hugging Face may join.");
        await Assertions.Expect(run).ToContainTextAsync("2 volunteers credited");
        await Assertions.Expect(run).ToContainTextAsync(new Regex(@"last contribution \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC"));
        await Assertions.Expect(run.GetByRole(AriaRole.Link, new() { Name = $"Join this run: demo-org/{experiment.ModelName}" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
        await page.SetViewportSizeAsync(390, 844);
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task AfterARollbackTheChartDrawsTheUndoneWorkWithIsoDatesAndWholeNumbersInAGermanBrowser()
    {
        var (experiment, url, aux) = await system.Api.OpenExperimentWithAuxAsync("contributions:write", "checkpoints:write");
        var peer = (await system.Api.JoinAsync(url, "carol")).PeerKeyFingerprint;
        // One sample a step: the largest bar is 1, where an axis used to read "1, 1, 0".
        var now = DateTimeOffset.UtcNow;
        await aux.SendAsync(url, [.. Enumerable.Range(1, 4).Select(step => ContributionSetup.Report(peer, step, 1, 0.01, now.AddMinutes(-10 + step)))]);
        var checkpoints = new List<long>();
        foreach (var step in new[] { 1, 3 })
        {
            var registered = await aux.PostWireAsync($"{url}/checkpoints", new RegisterCheckpointRequest(
                step, $"demo-org/{experiment.ModelName}", CheckpointSetup.Revision(step), 2.0, now.AddMinutes(-5)));
            checkpoints.Add((await registered.ReadAsync<CheckpointResponse>(HttpStatusCode.Created)).Id);
        }
        await system.Api.LeaderboardAsync(url);
        var rollback = await (await system.Api.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(checkpoints[0], "bad data after step 1")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        Assert.Equal("succeeded", (await system.Api.WaitForRollbackAsync(experiment.ModelName, rollback.Id)).Status);
        await system.Api.LeaderboardAsync(url);

        var context = await system.Browser.NewContextAsync(new() { Locale = "de-DE", TimezoneId = "Europe/Berlin" });
        var page = await context.NewPageAsync();
        foreach (var window in new[] { "all", "24h" })
        {
            await page.GotoAsync($"{system.ApiUrl}/leaderboard/demo-org/{experiment.ModelName}?window={window}");
            var chart = page.GetByTestId("history-chart");
            await Assertions.Expect(chart.Locator("canvas")).ToHaveCountAsync(1);
            // The undone work is drawn (and said), not silently gone.
            await Assertions.Expect(chart).Not.ToHaveAttributeAsync("data-rolled-back", "0");
            await Assertions.Expect(chart).ToHaveAttributeAsync("aria-label", new Regex("undone by a rollback"));
            await Assertions.Expect(page.Locator(".chart-legend")).ToContainTextAsync("undone by a rollback");
            // Dates as the table writes them (ISO, UTC), not the browser's "7.12."; counts in whole numbers, each once.
            var xTicks = (await chart.GetAttributeAsync("data-x-ticks"))!.Split('|');
            Assert.All(xTicks, t => Assert.Matches(window == "all" ? @"^\d{4}-\d{2}-\d{2}$" : @"^(\d{2}:\d{2}|\d{2}-\d{2})$", t));
            var yTicks = (await chart.GetAttributeAsync("data-y-ticks"))!.Split('|');
            Assert.All(yTicks, t => Assert.Matches(@"^\d+(\.\d[kMG]|[kMG])?$", t));
            Assert.Equal(yTicks.Length, yTicks.Distinct().Count());
        }
        await page.AssertAccessibleAsync();

        // On a phone the notes that explain a "–" or a 0 are on screen, next to the name.
        await page.SetViewportSizeAsync(390, 844);
        var badge = page.GetByTestId("ranking").Locator(".badge-rolled_back").First;
        await Assertions.Expect(badge).ToBeVisibleAsync();
        var box = (await badge.BoundingBoxAsync())!;
        Assert.True(box.X + box.Width <= 390, $"the note ends at x={box.X + box.Width} on a 390 px screen");
        await page.AssertAccessibleAsync();
        await context.CloseAsync();
    }

    [Fact]
    public async Task TheApiReferenceOpensWithAnIntroductionAndWithoutTheVendorsButtons()
    {
        var page = await system.NewPageAsync();
        await page.GotoAsync($"{system.ApiUrl}/docs", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Assertions.Expect(page.GetByText("Who calls what").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Every refusal is an RFC 7807 problem").First).ToBeVisibleAsync();
        foreach (var vendor in new[] { "Ask AI", "Generate SDK", "Deploy" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = vendor })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = vendor })).ToHaveCountAsync(0);
        }
        Assert.Equal("Moderation API", await page.TitleAsync());
    }
}
