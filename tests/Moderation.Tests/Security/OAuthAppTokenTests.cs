using System.Net;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>
/// An HF OAuth access token carries power here only with the id_token of this service's own console sign-in: any
/// "Sign in with HF" site a moderator visits holds an OAuth token of theirs, and the Hub resolves it like ours.
/// </summary>
public sealed class OAuthAppTokenTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private const string IdTokenHeader = "X-HF-Id-Token";

    private HttpClient Client(string accessToken, string? idToken) => Client(api, accessToken, idToken);

    internal static HttpClient Client(AuthApiFactory api, string accessToken, string? idToken)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        if (idToken is not null)
        {
            client.DefaultRequestHeaders.Add(IdTokenHeader, idToken);
        }
        return client;
    }

    private Task<int> BansOfAsync(string username) =>
        api.QueryDbAsync(db => Task.FromResult(db.Bans.Count(b => db.HfUsers.Any(u => u.Id == b.UserId && u.Username == username))));

    [Fact]
    public async Task AGlobalAdminsOAuthTokenFromAnotherAppCannotBanAnyone()
    {
        var victim = api.NewUser("victim");
        var foreign = api.Hub.IssueOAuthToken("root", "openid", clientId: "other-app");
        var ban = new CreateBanRequest(victim.Name, "taken over");

        var bare = await (await Client(foreign, null).PostWireAsync("/api/v1/bans", ban)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("another app obtained carries no power", bare.Detail(), StringComparison.Ordinal);
        var withItsIdToken = await (await Client(foreign, api.Hub.IdTokenFor(foreign)).PostWireAsync("/api/v1/bans", ban))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("another OAuth app", withItsIdToken.Detail(), StringComparison.Ordinal);
        // Our console's id_token of someone else's sign-in does not lend the foreign token any power either.
        var mallorysSignIn = api.Hub.IdTokenFor(api.Hub.IssueOAuthToken("mallory", "openid profile read-memberships"));
        var mixed = await (await Client(foreign, mallorysSignIn).PostWireAsync("/api/v1/bans", ban)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("different users", mixed.Detail(), StringComparison.Ordinal);
        // Nor does a forged one.
        await (await Client(foreign, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").PostWireAsync("/api/v1/bans", ban)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await BansOfAsync(victim.Name));

        // Root's own console sign-in bans.
        var ours = api.Hub.IssueOAuthToken("root", "openid profile email read-memberships");
        Assert.Equal(HttpStatusCode.Created, (await Client(ours, api.Hub.IdTokenFor(ours)).PostWireAsync("/api/v1/bans", ban)).StatusCode);
    }
}

/// <summary>The console's id_token counts for its session's length, on a clock the test moves (a class of its own: the clock only goes forward).</summary>
public sealed class OAuthSessionAgeTests(FakeClockFactory api) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task TheConsolesSignInCountsForEightHoursAndUserAccessTokensNeedNoIdToken()
    {
        var ours = api.Hub.IssueOAuthToken("carol", "openid profile read-memberships");
        Assert.Equal(HttpStatusCode.OK, (await OAuthAppTokenTests.Client(api, ours, api.Hub.IdTokenFor(ours)).GetAsync("/api/v1/me")).StatusCode);
        await (await OAuthAppTokenTests.Client(api, ours, null).GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        api.Clock.Advance(TimeSpan.FromHours(8.5));
        var old = await (await OAuthAppTokenTests.Client(api, ours, api.Hub.IdTokenFor(ours)).GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("sign in again", old.Detail(), StringComparison.Ordinal);
        // A person's own user access token (scripts, peers) is theirs to use, as before.
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor("carol").GetAsync("/api/v1/me")).StatusCode);
    }
}
