using Microsoft.Playwright;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>Hangfire's dashboard in ModeratorUi, behind the same sign-in: global admins act, owners only look, others are refused.</summary>
[Collection(LiveSystem.Collection)]
public sealed class JobsDashboardTests(LiveSystem stack)
{
    [Fact]
    public async Task GlobalAdminsMayTriggerJobsOwnersOnlyLookOthersAreRefused()
    {
        var signedOut = await stack.NewPageAsync();
        await signedOut.GotoAsync("/jobs");
        Assert.StartsWith(stack.Api.Hub.BaseUrl, signedOut.Url, StringComparison.Ordinal); // sent to sign in first

        var root = await stack.SignedInPageAsync("root");
        await root.GotoAsync("/jobs/recurring");
        await Assertions.Expect(root.GetByText("lift-expired-bans")).ToBeVisibleAsync();
        await Assertions.Expect(root.GetByRole(AriaRole.Button, new() { Name = "Trigger now" })).ToBeVisibleAsync();

        await stack.Api.CreateExperimentAsync(); // alice owns it (admin of demo-org)
        var alice = await stack.SignedInPageAsync("alice");
        await alice.GotoAsync("/jobs/recurring");
        await Assertions.Expect(alice.GetByText("lift-expired-bans")).ToBeVisibleAsync();
        await Assertions.Expect(alice.GetByRole(AriaRole.Button, new() { Name = "Trigger now" })).ToHaveCountAsync(0);
        // Without the button, an owner posting the dashboard's own command (with the page's antiforgery token) is refused;
        // the same request from a global admin goes through, so the refusal is the owner's read-only view.
        Assert.Equal(401, (await TriggerAsync(alice, "lift-expired-bans")).Status);
        Assert.InRange((await TriggerAsync(root, "lift-expired-bans")).Status, 200, 299);

        var bob = await stack.SignedInPageAsync("bob");
        // The dashboard answers 403 with no page (which Chromium shows as an error); ask with the same session cookie.
        var refused = await bob.Context.APIRequest.GetAsync(stack.UiUrl + "/jobs/recurring");
        Assert.Equal(403, refused.Status);
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
