using Microsoft.Playwright;
using Moderation.ModeratorUi.Account;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>After sign-in, only a path on ModeratorUi itself: never a URL a browser would take to another host.</summary>
[Collection(LiveSystem.Collection)]
public sealed class ReturnUrlTests(LiveSystem stack)
{
    [Theory]
    [InlineData("/\\evil.example", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\/evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("\\\\evil.example", "/")]
    [InlineData("/\tevil", "/")]
    [InlineData("", "/")]
    [InlineData("/experiments/demo-org/m?tab=bans", "/experiments/demo-org/m?tab=bans")]
    [InlineData("/café", "/caf%C3%A9")]
    [InlineData("/\u3000/x", "/%E3%80%80/x")]
    [InlineData("/a b", "/a%20b")]
    public void OnlyLocalReturnUrlsAreKept(string returnUrl, string expected) => Assert.Equal(expected, LoginSetup.SafeReturnUrl(returnUrl));

    [Theory]
    [InlineData("/caf%C3%A9", "/caf%C3%A9")]
    [InlineData("/%E3%80%80/x", "/%E3%80%80/x")]
    public async Task ANonAsciiReturnUrlEndsThereAfterSignInNotInAServerError(string returnUrl, string expectedPath)
    {
        // The Location header after /signin-oidc holds ASCII only: a raw "/café" made it fail with a 500.
        var page = await stack.NewPageAsync();
        var statuses = new List<int>();
        page.Response += (_, r) => statuses.Add(r.Status);
        await page.GotoAsync("/account/signin?returnUrl=" + returnUrl);
        // No console page has that path: the answer at the end is ModeratorUi's 404, which is what is awaited.
        var landed = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "carol", Exact = true }).ClickAsync(),
            r => r.Url == stack.UiUrl + expectedPath, new() { Timeout = 60_000 });
        Assert.Equal(404, landed.Status);
        Assert.DoesNotContain(statuses, s => s >= 500);
    }

    [Fact]
    public async Task ABackslashReturnUrlEndsOnModeratorUiNotOnAnotherHost()
    {
        var page = await stack.NewPageAsync();
        await page.GotoAsync("/account/signin?returnUrl=/%5Cevil.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "carol", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("carol", new() { Timeout = 60_000 });
        Assert.Equal(stack.UiUrl + "/", page.Url);
    }
}
