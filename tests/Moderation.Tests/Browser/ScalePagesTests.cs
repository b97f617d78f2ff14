using System.Net;
using Microsoft.Playwright;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>The console with hundreds of volunteers and a moderator in a hurry: big imports, long lists, the keyboard.</summary>
[Collection(LiveSystem.Collection)]
public sealed class ScalePagesTests(LiveSystem system)
{
    [Fact]
    public async Task AnImportOf300NamesKeepsItsReportOutOfCookiesAndShowsTheProblemsFirstWithEveryLineAsCsv()
    {
        var experiment = await system.Api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var api = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        var names = Enumerable.Range(1, 300).Select(_ => system.Api.NewUser("volunteer").Name).ToList();
        // One of them asked to join before the import: once imported, nobody is left waiting.
        await (await system.Api.ClientFor(names[0]).PostWireAsync($"{api}/join-requests", new CreateJoinRequestRequest("hi")))
            .ReadAsync<JoinRequestResponse>(HttpStatusCode.Created);

        var alice = await system.SignedInPageAsync("alice");
        await alice.SetViewportSizeAsync(1280, 900);
        await alice.GotoAsync($"{path}/allowlist");
        await Assertions.Expect(alice.Locator(".tabs").GetByTestId("pending-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("1"));
        var responses = new List<IResponse>();
        alice.Response += (_, response) =>
        {
            lock (responses)
            {
                responses.Add(response);
            }
        };
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Usernames" }).FillAsync(string.Join('\n', names.Append("ghost-user-404").Append("not a valid name!").Append("=SUM(1+1)")));
        await alice.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();

        // The report is a page of its own, read from the database: nothing that grows with the import rides in a cookie
        // (a balancer refuses answers whose headers pass 16 KB; HAProxy's 502 was the bug).
        var report = alice.GetByTestId("import-report");
        await Assertions.Expect(report).ToBeVisibleAsync();
        var cookieBytes = new List<int>();
        foreach (var response in responses.ToList())
        {
            cookieBytes.Add((await response.HeadersArrayAsync()).Where(h => h.Name.Equals("set-cookie", StringComparison.OrdinalIgnoreCase)).Sum(h => h.Value.Length));
        }
        Assert.True(cookieBytes.Max() < 4096, $"an answer of the import set {cookieBytes.Max()} bytes of cookies");
        // Problems first, in the order written, with their line numbers; then the counts.
        var problems = alice.GetByTestId("import-problems").Locator("tbody tr");
        await Assertions.Expect(problems).ToHaveCountAsync(3);
        await Assertions.Expect(problems.Nth(0)).ToContainTextAsync("301");
        await Assertions.Expect(problems.Nth(0)).ToContainTextAsync("ghost-user-404");
        await Assertions.Expect(problems.Nth(0)).ToContainTextAsync("no such Hugging Face user");
        await Assertions.Expect(problems.Nth(1)).ToContainTextAsync("not a valid name!");
        Assert.True(await alice.EvaluateAsync<bool>(
            "() => document.querySelector('[data-testid=import-problems]').compareDocumentPosition(document.querySelector('[data-testid=import-summary]')) & Node.DOCUMENT_POSITION_FOLLOWING"),
            "the counts come after the lines that need a look");
        await Assertions.Expect(alice.GetByTestId("import-summary")).ToContainTextAsync("300 added");
        await Assertions.Expect(alice.GetByTestId("import-summary")).ToContainTextAsync("1 not known on Hugging Face");
        await alice.AssertAccessibleAsync();
        await alice.ScreenshotAsync("import-report");

        // Every line, downloadable.
        var csvLink = (await alice.GetByTestId("import-csv").GetAttributeAsync("href"))!;
        var csv = await (await alice.Context.APIRequest.GetAsync(csvLink)).TextAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("line,written,outcome", lines[0]);
        Assert.Equal(304, lines.Length);
        Assert.Equal($"150,{names[149]},added", lines[150]);
        Assert.Equal("302,not a valid name!,not a valid Hugging Face username", lines[302]);
        // What people typed is not run by a spreadsheet that opens the file.
        Assert.Equal("303,'=SUM(1+1),not a valid Hugging Face username", lines[303]);

        // The report survives a reload (it is not a one-time cookie); the import is not repeated.
        await alice.ReloadAsync();
        await Assertions.Expect(problems).ToHaveCountAsync(3);
        var reportPath = new Uri(alice.Url).AbsolutePath;
        Assert.Equal(300, (await (await system.Api.ClientFor("alice").GetAsync($"{api}/allowlist")).ReadAsync<Paged<AllowlistEntryResponse>>()).Total);
        // The volunteer who had asked is no longer counted as waiting.
        await Assertions.Expect(alice.Locator(".tabs").GetByTestId("pending-count")).ToHaveCountAsync(0);

        // The report is its experiment's moderators' only: not under another experiment's address, not for a participant.
        var other = await system.Api.CreateExperimentAsync();
        await alice.GotoAsync(reportPath.Replace(experiment.ModelName, other.ModelName, StringComparison.Ordinal));
        await Assertions.Expect(alice.GetByTestId("list-problem")).ToContainTextAsync("There is no import report");
        await Assertions.Expect(alice.GetByTestId("import-report")).ToHaveCountAsync(0);
        var bob = await system.SignedInPageAsync("bob");
        await bob.GotoAsync(reportPath);
        await Assertions.Expect(bob.GetByTestId("problem")).ToContainTextAsync("Only moderators");
        await Assertions.Expect(bob.GetByTestId("import-report")).ToHaveCountAsync(0);
        Assert.DoesNotContain(names[0], await (await bob.Context.APIRequest.GetAsync(reportPath + "?handler=Csv")).TextAsync(), StringComparison.Ordinal);

        // "Who added volunteer 150?": the audit log answers by name.
        await alice.GotoAsync($"{path}/audit?target={names[149]}");
        var entry = alice.GetByTestId("audit").Locator("tbody tr");
        await Assertions.Expect(entry).ToHaveCountAsync(1);
        await Assertions.Expect(entry).ToContainTextAsync("added to the allowlist");
        await Assertions.Expect(entry).ToContainTextAsync("alice");

        // Adding someone already listed, in another letter case, says that nothing changed.
        await alice.GotoAsync($"{path}/allowlist");
        await alice.GetByLabel("Hugging Face username").FillAsync(names[7].ToUpperInvariant());
        await alice.GetByTestId("add").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync($"{names[7]} was already on the allowlist");
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("nothing changed");
    }

    [Fact]
    public async Task AKeyboardOnlyModeratorBansFromAPageOf60BansInAtMostTenTabPresses()
    {
        var experiment = await system.Api.CreateExperimentAsync();
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        for (var i = 0; i < 60; i++)
        {
            await system.Api.BanAsync(experiment, system.Api.NewUser("spammer").Name, $"spam wave {i}");
        }
        var target = system.Api.NewUser("attacker").Name;
        var alice = await system.SignedInPageAsync("alice");
        await alice.SetViewportSizeAsync(1280, 800);
        await alice.GotoAsync($"{path}/bans");
        await Assertions.Expect(alice.GetByTestId("bans").Locator("tbody tr")).ToHaveCountAsync(50);

        var tabs = 0;
        async Task TabToAsync(ILocator expected)
        {
            await alice.Keyboard.PressAsync("Tab");
            tabs++;
            await Assertions.Expect(expected).ToBeFocusedAsync();
        }
        await TabToAsync(alice.GetByRole(AriaRole.Link, new() { Name = "Skip to content" }));
        await alice.Keyboard.PressAsync("Enter");
        await TabToAsync(alice.GetByLabel("Username to ban"));
        await alice.Keyboard.TypeAsync(target);
        await TabToAsync(alice.GetByLabel("Reason", new() { Exact = true }));
        await alice.Keyboard.TypeAsync("sent NaN gradients");
        await TabToAsync(alice.GetByLabel("Evidence"));
        await TabToAsync(alice.GetByLabel("How long"));
        await TabToAsync(alice.Locator("details.exact-end > summary"));
        await TabToAsync(alice.GetByLabel("I confirm this ban"));
        await alice.Keyboard.PressAsync("Space");
        await TabToAsync(alice.GetByTestId("ban"));
        await alice.Keyboard.PressAsync("Enter");

        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync($"{target} is banned");
        Assert.True(tabs <= 10, $"{tabs} Tab presses");
        // Rows are compact at 1280 px: a page of 50 bans is not thousands of pixels, and every row's action is in view.
        var height = await alice.GetByTestId("bans").EvaluateAsync<double>("t => t.getBoundingClientRect().height");
        Assert.True(height < 50 * 60, $"50 bans take {height} px");
        var unban = alice.GetByTestId("bans").GetByRole(AriaRole.Button, new() { Name = "Unban" });
        for (var i = 0; i < 50; i += 7)
        {
            var box = (await unban.Nth(i).BoundingBoxAsync())!;
            Assert.True(box.X + box.Width <= 1280, $"row {i}'s Unban ends at x={box.X + box.Width}");
        }
        await alice.AssertAccessibleAsync();
        await alice.ScreenshotAsync("bans");

        // The allowlist likewise: its form first.
        await alice.GotoAsync($"{path}/allowlist");
        tabs = 0;
        await TabToAsync(alice.GetByRole(AriaRole.Link, new() { Name = "Skip to content" }));
        await alice.Keyboard.PressAsync("Enter");
        await TabToAsync(alice.GetByLabel("Hugging Face username"));
    }
}
