using Microsoft.Playwright;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

// Browser tests run one class at a time, all on one running system (see BrowserTestGroup).
[Collection(LiveSystem.Collection)]
public sealed class LoginTests(LiveSystem stack)
{
    [Fact]
    public async Task AliceSignsInWithHuggingFaceSeesHerNameAndSignsOut()
    {
        var page = await stack.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByTestId("sign-in").ClickAsync();

        // The Hub emulator's consent page: pick the user, as a person would on huggingface.co.
        var alice = page.GetByRole(AriaRole.Button, new() { Name = "alice", Exact = true });
        await Assertions.Expect(alice).ToBeVisibleAsync();
        Assert.StartsWith(stack.Api.Hub.BaseUrl, page.Url, StringComparison.Ordinal);
        await alice.ClickAsync();

        // Back on ModeratorUi once the code was exchanged (slow the first time on a loaded machine).
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("alice", new() { Timeout = 60_000 });
        Assert.StartsWith(stack.UiUrl, page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("welcome")).ToHaveTextAsync("Hello, Alice Admin");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-in")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task SignedInUserSeesTheirExperimentsFromAuthApi()
    {
        var created = await stack.Api.ClientFor("alice").PostWireAsync("/api/v1/experiments",
            new Moderation.Contracts.Experiments.CreateExperimentRequest("demo-org", "browser-visible"));
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);

        var page = await stack.NewPageAsync();
        await page.GotoAsync("/account/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = "bob" }).ClickAsync();

        var row = page.GetByTestId("experiments").GetByRole(AriaRole.Row).Filter(new() { HasText = "demo-org/browser-visible" });
        // bob takes part without a role: he sees where he stands (a member of demo-org, so admitted), not just "participant".
        await Assertions.Expect(row).ToContainTextAsync("admitted");
    }
}
