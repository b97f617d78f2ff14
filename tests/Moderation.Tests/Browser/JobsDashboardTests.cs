using Microsoft.Playwright;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>
/// Hangfire's dashboard in ModeratorUi: every experiment's jobs with their arguments, and the servers' names and pids,
/// so only global admins may open it; everyone else signed in gets the console's page saying why. Jobs are named.
/// </summary>
[Collection(LiveSystem.Collection)]
public sealed class JobsDashboardTests(LiveSystem stack)
{
    [Fact]
    public async Task OnlyGlobalAdminsOpenTheJobsDashboardWhichNamesEveryJobAndOthersAreToldWhy()
    {
        var signedOut = await stack.NewPageAsync();
        await signedOut.GotoAsync("/jobs");
        Assert.StartsWith(stack.Api.Hub.BaseUrl, signedOut.Url, StringComparison.Ordinal); // sent to sign in first

        var root = await stack.SignedInPageAsync("root");
        await root.GotoAsync("/jobs/recurring");
        // Each job by what it does (not "Could not resolve assembly", not a type name).
        foreach (var name in new[] { "Lift expired bans", "Rebuild the leaderboards", "Rotate experiment signing keys", "Forget expired DPoP proofs" })
        {
            await Assertions.Expect(root.GetByText(name, new() { Exact = true })).ToBeVisibleAsync();
        }
        await Assertions.Expect(root.Locator("body")).Not.ToContainTextAsync("Could not resolve");
        await Assertions.Expect(root.GetByRole(AriaRole.Button, new() { Name = "Trigger now" })).ToBeVisibleAsync();
        Assert.InRange((await TriggerAsync(root, "lift-expired-bans")).Status, 200, 299);
        // The console links to it for those who may open it.
        await root.GotoAsync("/");
        await Assertions.Expect(root.GetByTestId("jobs-link")).ToHaveAttributeAsync("href", "/jobs");

        // alice owns an experiment (admin of demo-org) and is no global admin: the console's own page, with the reason.
        await stack.Api.CreateExperimentAsync();
        foreach (var user in new[] { "alice", "bob" })
        {
            var page = await stack.SignedInPageAsync(user);
            await Assertions.Expect(page.GetByTestId("jobs-link")).ToHaveCountAsync(0);
            var refused = await page.GotoAsync("/jobs/recurring");
            Assert.Equal(403, refused!.Status);
            await Assertions.Expect(page.GetByTestId("denied")).ToContainTextAsync("for global admins");
            await Assertions.Expect(page.GetByTestId("denied")).ToContainTextAsync("Rollbacks");
            await Assertions.Expect(page.GetByText("lift-expired-bans")).ToHaveCountAsync(0);
            await page.AssertAccessibleAsync();
            // Every address under /jobs sends them there; none answers the dashboard.
            var direct = await page.Context.APIRequest.GetAsync(stack.UiUrl + "/jobs/jobs/succeeded", new() { MaxRedirects = 0 });
            Assert.Equal(302, direct.Status);
            Assert.Contains("/account/denied", direct.Headers["location"], StringComparison.Ordinal);
        }
    }

    /// <summary>POSTs "trigger now" for <paramref name="job"/> as the dashboard's page would, from the recurring-jobs page.</summary>
    private async Task<IAPIResponse> TriggerAsync(IPage page, string job)
    {
        await page.GotoAsync("/jobs/recurring");
        var header = await page.Locator("meta[name=csrf-header]").GetAttributeAsync("content");
        var token = await page.Locator("meta[name=csrf-token]").GetAttributeAsync("content");
        var form = page.Context.APIRequest.CreateFormData();
        form.Append("jobs[]", job);
        return await page.Context.APIRequest.PostAsync(stack.UiUrl + "/jobs/recurring/trigger", new()
        {
            Headers = new Dictionary<string, string> { [header!] = token! },
            Form = form,
        });
    }
}
