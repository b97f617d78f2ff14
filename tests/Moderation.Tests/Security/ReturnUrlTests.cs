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
    public void OnlyLocalReturnUrlsAreKept(string returnUrl, string expected) => Assert.Equal(expected, LoginSetup.SafeReturnUrl(returnUrl));

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
