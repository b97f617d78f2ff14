using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace Moderation.Tests.Replicas;

/// <summary>The console through the balancer, as a moderator of a big run meets it: a 5,000-line import and the jobs dashboard.</summary>
public sealed partial class ReplicaTests
{
    [Fact, Step(Order = 4)]
    public async Task AFiveThousandLineImportThroughTheBalancerShowsItsReportOnEveryReplicaAndTheJobsDashboardNamesItsJobs()
    {
        var model = await ModelAsync();
        var step = Stopwatch.StartNew();
        // 300 volunteers on the Hub; the 5,000 lines are them, repeated (an export of several sign-up sheets), 50 names the
        // Hub does not know and 50 lines that are not names.
        var names = new List<string>();
        using (var hub = new HttpClient { BaseAddress = new Uri(system.HubUrl) })
        {
            for (var i = 0; i < 300; i++)
            {
                var id = Guid.NewGuid().ToString("N")[..24];
                names.Add($"volunteer-{id[..8]}");
                (await hub.PostAsJsonAsync("/_emulator/users", new { id, name = names[^1], fullname = names[^1], emailVerified = true, isPro = false, orgs = Array.Empty<object>() }))
                    .EnsureSuccessStatusCode();
            }
        }
        var lines = Enumerable.Range(0, 4900).Select(i => names[i % names.Count])
            .Concat(Enumerable.Range(0, 50).Select(i => $"ghost-{i}-{Guid.NewGuid().ToString("N")[..6]}"))
            .Concat(Enumerable.Range(0, 50).Select(i => $"not a name {i}!")).ToList();
        Assert.Equal(5000, lines.Count);

        output.WriteLine($"{step.Elapsed.TotalSeconds:F1} s: 300 volunteers on the Hub");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = system.UiUrl });
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = "alice", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("alice", new() { Timeout = 60_000 });

        output.WriteLine($"{step.Elapsed.TotalSeconds:F1} s: signed in");
        await page.GotoAsync($"/experiments/demo-org/{model}/allowlist");
        // Pasted, as a moderator would: Playwright's FillAsync types the 90 KB through the editor (a minute of Chromium's CPU).
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Usernames" }).EvaluateAsync("(box, text) => box.value = text", string.Join('\n', lines));
        output.WriteLine($"{step.Elapsed.TotalSeconds:F1} s: 5,000 lines typed");
        var clock = Stopwatch.StartNew();
        var answer = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync(), r => r.Request.Method == "POST");
        output.WriteLine($"5,000-line import answered {answer.Status} after {clock.Elapsed.TotalSeconds:F1} s, served by {await answer.HeaderValueAsync("x-served-by")}");
        Assert.Equal(302, answer.Status); // the bug: HAProxy's 502, the report riding in a 24 KB Set-Cookie of this answer
        await Assertions.Expect(page.GetByTestId("import-summary")).ToContainTextAsync("300 added");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "100 lines need a look" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("import-problems").Locator("tbody tr").First).ToContainTextAsync("4901");

        output.WriteLine($"{step.Elapsed.TotalSeconds:F1} s: report shown");
        // The report is in the database: every replica shows it, and the whole of it downloads.
        var report = new Uri(page.Url).PathAndQuery;
        var servedBy = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            var again = await page.GotoAsync(report);
            Assert.Equal(200, again!.Status);
            servedBy.Add((await again.HeaderValueAsync("x-served-by"))!);
            await Assertions.Expect(page.GetByTestId("import-summary")).ToContainTextAsync("300 added");
        }
        Assert.Equal(2, servedBy.Count);
        var csv = await (await context.APIRequest.GetAsync(report + "?handler=Csv")).TextAsync();
        Assert.Equal(5001, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        output.WriteLine($"{step.Elapsed.TotalSeconds:F1} s: report on both replicas, CSV downloaded");
        // The jobs dashboard (alice is a global admin here) names each job without AuthApi's assembly in this process.
        await page.GotoAsync("/jobs/recurring");
        await Assertions.Expect(page.GetByText("Lift expired bans", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Rebuild the leaderboards", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Could not resolve");
        await page.GotoAsync("/jobs/jobs/succeeded");
        await Assertions.Expect(page.GetByText("Rebuild the leaderboards", new() { Exact = true }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Can not find the target method");
        output.WriteLine($"{step.Elapsed.TotalSeconds:F1} s: jobs dashboard");
    }
}
