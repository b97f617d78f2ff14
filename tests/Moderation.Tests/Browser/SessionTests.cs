using Microsoft.Playwright;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>
/// Signing out of the console ends the session on the server, on every replica: the cookie holds only a session id, and
/// a copy of it taken before the sign-out opens nothing afterwards.
/// </summary>
[Collection(LiveSystem.Collection)]
public sealed class SessionTests(LiveSystem system)
{
    [Fact]
    public async Task ACookieCapturedBeforeSignOutOpensNothingAfterItOnAnyReplica()
    {
        await using var otherReplica = new ModeratorUiFactory(system.Api, system.ApiUrl, kestrel: true).Start();
        var otherUrl = otherReplica.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        var carol = await system.SignedInPageAsync("carol");
        var cookies = await carol.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name.Contains("moderation.session", StringComparison.Ordinal));
        Assert.True(session.Value.Length < 1000, $"the session cookie carries {session.Value.Length} characters: more than a session id");

        // Someone copies the cookie; it works on the other replica too (one key ring, one session table).
        var thief = await (await system.Browser.NewContextAsync()).NewPageAsync();
        await thief.Context.AddCookiesAsync(cookies.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path }));
        await thief.GotoAsync(otherUrl + "/");
        await Assertions.Expect(thief.GetByTestId("signed-in-as")).ToHaveTextAsync("carol");

        await carol.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(carol.GetByTestId("sign-in")).ToBeVisibleAsync();

        foreach (var url in new[] { otherUrl, system.UiUrl })
        {
            await thief.GotoAsync(url + "/");
            await Assertions.Expect(thief.GetByTestId("sign-in")).ToBeVisibleAsync();
            await Assertions.Expect(thief.GetByTestId("signed-in-as")).ToHaveCountAsync(0);
        }
        var experiments = await thief.GotoAsync(otherUrl + "/experiments/demo-org/demo-model/bans");
        Assert.DoesNotContain("/experiments/demo-org/demo-model/bans", thief.Url, StringComparison.Ordinal);
        Assert.NotNull(experiments);
    }
}
