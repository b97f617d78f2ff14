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
public sealed class ContributionPagesTests(LiveSystem system) : IClassFixture<LiveSystem>
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
        await page.GetByRole(AriaRole.Link, new() { Name = $"demo-org/{experiment.ModelName}" }).ClickAsync();

        var rows = page.GetByTestId("ranking").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync("bob");
        await Assertions.Expect(rows.Nth(0)).ToContainTextAsync(json.Entries[0].CreditedSamples.ToString("N0", CultureInfo.GetCultureInfo("en-US")));
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("alice");
        await Assertions.Expect(rows.Nth(2)).ToContainTextAsync("unattributed");
        await Assertions.Expect(rows.Nth(0).Locator("img.avatar")).ToHaveAttributeAsync("src", "/api/v1/avatars/bob.svg");
        await Assertions.Expect(page.GetByTestId("history-chart").Locator("rect.bar")).Not.ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "24 hours" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "24 hours" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.Locator("#csv-link")).ToHaveAttributeAsync("href", $"{url}/leaderboard.csv?window=24h");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        // A user's own history opens under their row.
        await page.GetByRole(AriaRole.Button, new() { Name = "alice" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr.history-row svg rect.bar")).Not.ToHaveCountAsync(0);

        var pageResponse = await page.APIRequest.GetAsync($"{system.ApiUrl}/leaderboard/demo-org/{experiment.ModelName}");
        Assert.Equal(Moderation.AuthApi.Pages.PublicPages.ContentSecurityPolicy, pageResponse.Headers["content-security-policy"]);
        Assert.Empty(foreign);
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

    private static async Task<(double X, double Y)> ReadoutAsync(IPage page, string selector)
    {
        var output = page.Locator(selector);
        return (double.Parse((await output.GetAttributeAsync("data-x"))!, CultureInfo.InvariantCulture),
            double.Parse((await output.GetAttributeAsync("data-y"))!, CultureInfo.InvariantCulture));
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2));
}
