using System.Net;
using Microsoft.Playwright;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>The console as a whole: lists that page both ways with totals, a readable audit log, and a design that passes axe, phones and framing.</summary>
[Collection(LiveSystem.Collection)]
public sealed class ConsolePagesTests(LiveSystem system)
{
    [Fact]
    public async Task ListsPageBothWaysWithTotalsImportsReadAsWordsAndTheAuditLogFits1280Pixels()
    {
        var experiment = await system.Api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var api = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        var alice = await system.SignedInPageAsync("alice");
        await alice.SetViewportSizeAsync(1280, 900);
        await alice.GotoAsync($"{path}/allowlist");

        var names = Enumerable.Range(1, 65).Select(_ => system.Api.NewUser("volunteer").Name).ToList();
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Usernames" })
            .FillAsync(string.Join('\n', names.Append("# the lab").Append("bob").Append("bob").Append("not a name!").Append("no-such-user-42")));
        await alice.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        var summary = alice.GetByTestId("import-summary");
        foreach (var count in new[] { "66 added", "1 already on the allowlist", "1 not known on Hugging Face", "1 not a valid Hugging Face username" })
        {
            await Assertions.Expect(summary).ToContainTextAsync(count);
        }
        var report = alice.GetByTestId("import-report");
        await Assertions.Expect(report).ToContainTextAsync("not a valid Hugging Face username");
        await Assertions.Expect(report).ToContainTextAsync("no such Hugging Face user");
        foreach (var enumName in new[] { "AlreadyPresent", "InvalidName", "UnknownUser" })
        {
            await Assertions.Expect(report).Not.ToContainTextAsync(enumName);
        }
        // The import was a post/redirect/get: reloading the report does not repeat it.
        await alice.ReloadAsync();
        await Assertions.Expect(summary).ToContainTextAsync("66 added");
        Assert.Equal(66, (await (await system.Api.ClientFor("alice").GetAsync($"{api}/allowlist")).ReadAsync<Paged<AllowlistEntryResponse>>()).Total);
        await alice.GotoAsync($"{path}/allowlist");

        var rows = alice.GetByTestId("allowlist").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await Assertions.Expect(alice.GetByTestId("pager-summary")).ToHaveTextAsync("1–50 of 66 users · page 1 of 2");
        await alice.GetByTestId("next-page").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(16);
        await Assertions.Expect(alice.GetByTestId("pager-summary")).ToHaveTextAsync("51–66 of 66 users · page 2 of 2");
        await Assertions.Expect(alice.GetByTestId("next-page")).ToHaveCountAsync(0);
        await alice.GetByTestId("previous-page").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        await alice.GetByLabel("Username", new() { Exact = true }).FillAsync(names[7]);
        await alice.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(alice.GetByTestId("pager-summary")).ToHaveTextAsync("1–1 of 1 users · page 1 of 1");

        // Audit: more than a page of entries, a change shown as a diff, filters by action (from a list) and target.
        for (var i = 0; i < 26; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await system.Api.ClientFor("alice").DeleteAsync($"{api}/allowlist/{names[i]}")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await system.Api.ClientFor("alice").PutAsync($"{api}/allowlist/carol", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await system.Api.ClientFor("alice").DeleteAsync($"{api}/allowlist/carol")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await system.Api.ClientFor("alice").PatchWireAsync(api, new UpdateExperimentRequest(TokenLifetimeMinutes: 90))).StatusCode);
        await system.Api.ClientFor("alice").PostWireAsync($"{api}/bans", new CreateBanRequest("mallory", "a long reason that would have been one word per line in a table that did not wrap its columns well"));
        await alice.GotoAsync($"{path}/audit");
        var audit = alice.GetByTestId("audit").Locator("tbody tr");
        await Assertions.Expect(audit).ToHaveCountAsync(50);
        await Assertions.Expect(alice.GetByTestId("pager-summary")).ToContainTextAsync("1–50 of ");
        await alice.GetByTestId("next-page").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("previous-page")).ToBeVisibleAsync();
        await alice.GetByTestId("previous-page").ClickAsync();
        var width = await alice.EvaluateAsync<double>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 1280, $"the audit log is {width} px wide at 1280");
        await alice.AssertAccessibleAsync();

        await alice.GetByLabel("Action").SelectOptionAsync(new SelectOptionValue { Label = "settings changed" });
        await alice.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(audit).ToHaveCountAsync(1);
        // In words: the field's name as the settings page says it, no timestamps in ISO, no JSON.
        var change = audit.Locator("li", new() { HasText = "peer token lifetime (minutes)" });
        await Assertions.Expect(change.Locator("del")).ToHaveTextAsync("60");
        await Assertions.Expect(change.Locator("ins")).ToHaveTextAsync("90");
        // Only what changed: the policy did not.
        foreach (var raw in new[] { "token_lifetime_minutes", "access_policy", "who may join", "updated_at", "{" })
        {
            await Assertions.Expect(audit).Not.ToContainTextAsync(raw);
        }

        await alice.GetByLabel("Action").SelectOptionAsync(new SelectOptionValue { Label = "any action" });
        await alice.GetByLabel("Target").FillAsync("carol");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("pager-summary")).ToContainTextAsync("of 52 entries");
        await Assertions.Expect(audit.Filter(new() { HasNotText = "carol" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task EveryConsolePagePassesAxeAt1280PixelsAndOnAPhoneCarriesStrictHeadersAndKeepsRowActionsOnScreen()
    {
        var (name, ids) = await system.Api.ExperimentWithCheckpointsAsync(100, 200);
        var api = $"/api/v1/experiments/demo-org/{name}";
        var path = $"/experiments/demo-org/{name}";
        await system.Api.ClientFor("alice").PatchWireAsync(api, new UpdateExperimentRequest(AccessPolicy: AccessPolicy.Allowlist));
        await system.Api.ClientFor("carol").PostWireAsync($"{api}/join-requests", new CreateJoinRequestRequest("<script>alert(1)</script> I have a GPU"));
        await system.Api.JoinAsync(api, "alice");
        await system.Api.ClientFor("alice").PostWireAsync($"{api}/bans", new CreateBanRequest("mallory", "spam", "reports 1-5"));
        var rollback = await (await system.Api.ClientFor("alice").PostWireAsync($"{api}/rollbacks", new CreateRollbackRequest(ids[100], "test")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);

        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"{path}/allowlist");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Usernames" }).FillAsync("bob\nghost-user-404");
        await alice.GetByTestId("import").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("import-report")).ToBeVisibleAsync();
        var importReport = new Uri(alice.Url).PathAndQuery;
        // Every page of the console (the incident with an attack, the quick start and the new service key are also checked
        // in their own tests), at 1280 px and on a phone.
        var pages = new (string Url, string? Tab)[]
        {
            ("/", null), ("/experiments/new", null), (path, "Overview"), ($"{path}/requests", "Requests"),
            ($"{path}/allowlist", "Allowlist"), (importReport, "Allowlist"), ($"{path}/bans", "Bans"), ($"{path}/peers", "Peers"),
            ($"{path}/contributions", "Contributions"), ($"{path}/incident", "Incident"), ($"{path}/checkpoints", "Checkpoints"),
            ($"{path}/rollback/{ids[100]}", "Checkpoints"), ($"{path}/rollbacks", "Rollbacks"), ($"{path}/rollbacks/{rollback.Id}", "Rollbacks"),
            ($"{path}/audit", "Audit log"), ($"{path}/service-keys", "Service keys"), ($"{path}/settings", "Settings"),
            ($"{path}/act?username=mallory", "Bans"), ("/account/denied?ReturnUrl=%2Fjobs", null),
        };
        var phone = await alice.Context.NewPageAsync();
        await phone.SetViewportSizeAsync(390, 844);
        await alice.SetViewportSizeAsync(1280, 800);
        foreach (var (url, tab) in pages)
        {
            var response = await alice.GotoAsync(url);
            Assert.Equal(url.StartsWith("/account/denied", StringComparison.Ordinal) ? 403 : 200, response!.Status);
            var headers = response.Headers;
            Assert.Contains("frame-ancestors 'none'", headers["content-security-policy"], StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", headers["content-security-policy"], StringComparison.Ordinal);
            Assert.Contains("style-src 'self';", headers["content-security-policy"], StringComparison.Ordinal);
            Assert.Equal("DENY", headers["x-frame-options"]);
            Assert.Equal("nosniff", headers["x-content-type-options"]);
            Assert.Equal("no-referrer", headers["referrer-policy"]);
            // No inline script or style to allow, and no field labelled by its placeholder only.
            Assert.Equal(0, await alice.Locator("[style], script:not([src]), style, input[placeholder], textarea[placeholder]").CountAsync());
            if (tab is not null)
            {
                await Assertions.Expect(alice.Locator(".tabs a[aria-current=page]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($"^{tab}"));
                await Assertions.Expect(alice.Locator(".tabs").GetByTestId("pending-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("1"));
            }
            await alice.AssertAccessibleAsync();
            await phone.GotoAsync(url);
            await phone.AssertAccessibleAsync();
            var scrollWidth = await phone.EvaluateAsync<double>("() => document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= 390, $"{url} is {scrollWidth} px wide on a 390 px screen");
        }
        await alice.GotoAsync($"{path}/requests");
        await Assertions.Expect(alice.GetByTestId("request-carol")).ToContainTextAsync("<script>alert(1)</script> I have a GPU");

        // On a phone, tables become cards: every row action is on screen, nothing scrolls sideways.
        foreach (var (url, action) in new[] { ($"{path}/bans", "Unban"), ($"{path}/peers", "Revoke"), ($"{path}/checkpoints", "Quarantine") })
        {
            await phone.GotoAsync(url);
            var button = phone.Locator("main table").GetByRole(AriaRole.Button, new() { Name = action }).First;
            await button.ScrollIntoViewIfNeededAsync();
            var box = (await button.BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"{action} on {url} is at x={box.X}..{box.X + box.Width} on a 390 px screen");
        }
    }
}
