using System.Globalization;
using Microsoft.Playwright;
using Moderation.Contracts.Contributions;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>
/// The tabs page and a leaderboard page, as a visitor's browser sees them (nothing loaded from anywhere else), and the
/// moderators' view of contribution reports.
/// </summary>
[Collection(LiveSystem.Collection)]
public sealed class ContributionPagesTests(LiveSystem system)
{
    /// <summary>A page that records every request and aborts any that would leave the AuthApi server.</summary>
    private async Task<(IPage Page, List<string> Foreign)> IsolatedPageAsync()
    {
        var page = await system.NewPageAsync();
        var origin = new Uri(system.ApiUrl).GetLeftPart(UriPartial.Authority);
        var foreign = new List<string>();
        await page.Context.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith(origin, StringComparison.Ordinal))
            {
                await route.ContinueAsync();
            }
            else
            {
                lock (foreign)
                {
                    foreign.Add(route.Request.Url);
                }
                await route.AbortAsync();
            }
        });
        return (page, foreign);
    }

    [Fact]
    public async Task TabsSwitchAndTheCenteredClipDemoResistsADraggedOutlier()
    {
        var (page, foreign) = await IsolatedPageAsync();
        var response = await page.GotoAsync(system.ApiUrl + "/");
        Assert.Contains("script-src 'self'", response!.Headers["content-security-policy"], StringComparison.Ordinal);

        await Assertions.Expect(page.Locator("#panel-efficient")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Security" }).ClickAsync();
        await Assertions.Expect(page.Locator("#panel-security")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#panel-efficient")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Security" })).ToHaveAttributeAsync("aria-selected", "true");
        await page.GetByText("How do you authenticate peers efficiently").ClickAsync();
        await Assertions.Expect(page.Locator("#spoiler-auth")).ToContainTextAsync("revocation list");

        await page.GetByText("How does CenteredClip protect from outliers?").ClickAsync();
        var before = (Mean: await ReadoutAsync(page, "#mean-readout"), Clip: await ReadoutAsync(page, "#clip-readout"));
        // Drag the outlier at (340, 50) to the far corner.
        var outlier = page.Locator("#clip-demo circle.point[data-index='8']");
        await outlier.DragToAsync(page.Locator("#clip-demo"), new() { TargetPosition = new TargetPosition { X = 2, Y = 2 } });
        var after = (Mean: await ReadoutAsync(page, "#mean-readout"), Clip: await ReadoutAsync(page, "#clip-readout"));

        Assert.True(Distance(before.Mean, after.Mean) > 20, $"the mean moved only {Distance(before.Mean, after.Mean):0.0}");
        Assert.True(Distance(before.Clip, after.Clip) < 10, $"CenteredClip moved {Distance(before.Clip, after.Clip):0.0}");
        // The honest points sit around (166, 152).
        Assert.True(Distance(after.Clip, (166, 152)) < 25, $"CenteredClip is at {after.Clip}");

        // A larger tau clips less: at the maximum the estimate is the mean.
        await page.Locator("#clip-tau").FillAsync("400");
        Assert.True(Distance(await ReadoutAsync(page, "#clip-readout"), await ReadoutAsync(page, "#mean-readout")) < 1);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Make Your Own" }).ClickAsync();
        await Assertions.Expect(page.Locator("#panel-own")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#panel-security")).ToBeHiddenAsync();
        Assert.Empty(foreign);
    }

    [Fact]
    public async Task TheLeaderboardPageShowsTheRankingAndTheChartFromThisServerOnly()
    {
        var (experiment, url, aux) = await system.Api.OpenExperimentWithAuxAsync();
        var rates = new Dictionary<string, double>
        {
            [(await system.Api.JoinAsync(url, "alice")).PeerKeyFingerprint] = 100,
            [(await system.Api.JoinAsync(url, "bob")).PeerKeyFingerprint] = 200,
            [PeerKeys.New()] = 50,
        };
        await aux.SendAsync(url, ContributionSetup.Steps(rates, steps: 4));
        var json = await system.Api.LeaderboardAsync(url);

        var (page, foreign) = await IsolatedPageAsync();
        await page.GotoAsync(system.ApiUrl + "/");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Leaderboards" }).ClickAsync();
        await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = $"demo-org/{experiment.ModelName}", Exact = true }).ClickAsync();

        var rows = page.GetByTestId("ranking").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("bob");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync(json.Entries[0].CreditedSamples.ToString("N0", CultureInfo.GetCultureInfo("en-US")));
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("alice");
        await Assertions.Expect(rows.Nth(2)).ToContainTextAsync("unknown owner");
        await Assertions.Expect(rows.Nth(0).Locator("img.avatar")).ToHaveAttributeAsync("src", "/api/v1/avatars/bob.svg");
        // All time: one bar per day, at least two weeks wide, so one day of data is one bar among many.
        var chart = page.GetByTestId("history-chart");
        await Assertions.Expect(chart.Locator("canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(chart).Not.ToHaveAttributeAsync("data-points", "0");
        Assert.True(int.Parse((await chart.GetAttributeAsync("data-buckets"))!, CultureInfo.InvariantCulture) >= 14);
        await Assertions.Expect(chart).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("per day \\(UTC\\)"));
        await page.AssertAccessibleAsync();
        await page.SetViewportSizeAsync(1000, 900);
        await page.ScreenshotAsync("leaderboard");

        // The window is in the address: 24 hours is a 24-hour axis of hourly bars; the back button returns to all time.
        await page.GetByRole(AriaRole.Button, new() { Name = "24 hours" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "24 hours" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("\\?window=24h$"));
        await Assertions.Expect(page.Locator("#csv-link")).ToHaveAttributeAsync("href", $"{url}/leaderboard.csv?window=24h");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-buckets", "24");
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-span", "86400");
        await Assertions.Expect(rows).ToHaveCountAsync(3);

        // A user's own history opens under their row, titled, and closes again.
        await page.GetByRole(AriaRole.Button, new() { Name = "alice" }).ClickAsync();
        var history = page.Locator("tr.history-row");
        await Assertions.Expect(history.GetByRole(AriaRole.Heading)).ToHaveTextAsync("alice: credited samples, the last 24 hours");
        await Assertions.Expect(history.Locator(".user-history")).Not.ToHaveAttributeAsync("data-points", "0");
        await Assertions.Expect(history.Locator("canvas")).ToHaveCountAsync(1);
        await history.GetByRole(AriaRole.Button, new() { Name = "Close alice's history" }).ClickAsync();
        await Assertions.Expect(history).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "alice" })).ToBeFocusedAsync();

        await page.GoBackAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "All time" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(chart).Not.ToHaveAttributeAsync("data-buckets", "24");
        await page.GoForwardAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "24 hours" })).ToHaveAttributeAsync("aria-pressed", "true");

        var pageResponse = await page.APIRequest.GetAsync($"{system.ApiUrl}/leaderboard/demo-org/{experiment.ModelName}");
        Assert.Equal(Moderation.AuthApi.Pages.PublicPages.ContentSecurityPolicy, pageResponse.Headers["content-security-policy"]);
        var head = await page.APIRequest.FetchAsync($"{system.ApiUrl}/leaderboard/demo-org/{experiment.ModelName}", new() { Method = "HEAD" });
        Assert.Equal(200, head.Status);
        Assert.Empty(await head.BodyAsync());
        Assert.Empty(foreign);

        // On a phone: no text under 12 px, and the chart fits the screen.
        var phone = await system.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
        await phone.GotoAsync($"{system.ApiUrl}/leaderboard/demo-org/{experiment.ModelName}?window=7d");
        await Assertions.Expect(phone.GetByTestId("history-chart").Locator("canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(phone.GetByTestId("ranking").Locator("tbody tr")).ToHaveCountAsync(3);
        var smallest = await phone.EvaluateAsync<double>(
            "() => Math.min(...[...document.querySelectorAll('body *')].filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())).map(e => parseFloat(getComputedStyle(e).fontSize)))");
        Assert.True(smallest >= 12, $"the smallest text on a phone is {smallest} px");
        var chartWidth = await phone.EvaluateAsync<double>("() => document.querySelector('[data-testid=history-chart] canvas').getBoundingClientRect().width");
        Assert.True(chartWidth <= 390, $"the chart is {chartWidth} px wide on a 390 px screen");
        await phone.AssertAccessibleAsync();
        await phone.CloseAsync();
    }

    [Fact]
    public async Task AModeratorSeesTheClippedReportsOfAnInflatingPeer()
    {
        var (experiment, url, aux) = await system.Api.OpenExperimentWithAuxAsync();
        var rates = new Dictionary<string, double>();
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            rates[(await system.Api.JoinAsync(url, user)).PeerKeyFingerprint] = 100;
        }
        rates[(await system.Api.JoinAsync(url, "mallory")).PeerKeyFingerprint] = 50_000;
        await aux.SendAsync(url, ContributionSetup.Steps(rates, steps: 2));

        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"/experiments/demo-org/{experiment.ModelName}/contributions");
        await Assertions.Expect(alice.GetByTestId("contributions").Locator("tbody tr")).ToHaveCountAsync(8);

        // (The minutely job may have processed the reports already; the rebuild then finds none new.)
        await alice.GetByRole(AriaRole.Button, new() { Name = "Rebuild the leaderboard now" }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("Leaderboard rebuilt");
        await alice.GetByLabel("Flag").SelectOptionAsync("clipped");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var rows = alice.GetByTestId("contributions").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("mallory");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("clipped");
    }

    [Fact]
    public async Task RolledBackWorkIsShownNeutrallyAndTheApiReferenceLoadsNoFontsFromElsewhere()
    {
        var (experiment, url, aux) = await system.Api.OpenExperimentWithAuxAsync("contributions:write", "checkpoints:write");
        var rates = new Dictionary<string, double>
        {
            [(await system.Api.JoinAsync(url, "carol")).PeerKeyFingerprint] = 100,
            [(await system.Api.JoinAsync(url, "dave")).PeerKeyFingerprint] = 120,
        };
        await aux.SendAsync(url, ContributionSetup.Steps(rates, steps: 4));
        var checkpoints = new List<long>();
        foreach (var step in new[] { 1, 3 })
        {
            var registered = await aux.PostWireAsync($"{url}/checkpoints", new Moderation.Contracts.Checkpoints.RegisterCheckpointRequest(
                step, $"demo-org/{experiment.ModelName}", CheckpointSetup.Revision(step), 2.0, DateTimeOffset.UtcNow.AddMinutes(-5)));
            checkpoints.Add((await registered.ReadAsync<Moderation.Contracts.Checkpoints.CheckpointResponse>(System.Net.HttpStatusCode.Created)).Id);
        }
        var rollback = await (await system.Api.ClientFor("alice").PostWireAsync($"{url}/rollbacks",
            new Moderation.Contracts.Checkpoints.CreateRollbackRequest(checkpoints[0], "bad data after step 1")))
            .ReadAsync<Moderation.Contracts.Checkpoints.RollbackResponse>(System.Net.HttpStatusCode.Accepted);
        Assert.Equal("succeeded", (await system.Api.WaitForRollbackAsync(experiment.ModelName, rollback.Id)).Status);
        await system.Api.LeaderboardAsync(url);

        var (page, foreign) = await IsolatedPageAsync();
        await page.GotoAsync($"{system.ApiUrl}/leaderboard/demo-org/{experiment.ModelName}");
        var badge = page.GetByTestId("ranking").Locator(".badge-rolled_back").First;
        await Assertions.Expect(badge).ToHaveTextAsync("rolled back");
        await Assertions.Expect(badge).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("not counted, not a penalty"));
        // Neutral grey, unlike the warning colours of clipped and banned.
        var colours = await page.EvaluateAsync<string[]>(
            "() => ['rolled_back', 'clipped', 'banned'].map(f => { const s = document.createElement('span'); s.className = 'badge badge-' + f; document.body.append(s); const c = getComputedStyle(s).backgroundColor; s.remove(); return c; })");
        Assert.Equal("rgb(238, 241, 246)", colours[0]);
        Assert.DoesNotContain(colours[0], colours[1..]);
        await page.AssertAccessibleAsync();

        await page.GotoAsync($"{system.ApiUrl}/docs", new() { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.DoesNotContain(foreign, u => u.Contains("font", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<(double X, double Y)> ReadoutAsync(IPage page, string selector)
    {
        var output = page.Locator(selector);
        return (double.Parse((await output.GetAttributeAsync("data-x"))!, CultureInfo.InvariantCulture),
            double.Parse((await output.GetAttributeAsync("data-y"))!, CultureInfo.InvariantCulture));
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2));
}
