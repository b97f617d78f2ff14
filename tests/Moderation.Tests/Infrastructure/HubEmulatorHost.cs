using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Moderation.HubEmulator;

namespace Moderation.Tests.Infrastructure;

/// <summary>The Hub emulator on a free loopback port, with the test users (the defaults plus <c>root</c> and <c>dave</c>).</summary>
public sealed class HubEmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HubEmulatorHost(WebApplication app)
    {
        _app = app;
        BaseUrl = app.Urls.First();
        State = app.Services.GetRequiredService<HubState>();
    }

    public string BaseUrl { get; }

    /// <summary>The emulator's state: flip <see cref="HubState.Mode"/> to simulate an outage, read call counters.</summary>
    public HubState State { get; }

    public static async Task<HubEmulatorHost> StartAsync()
    {
        var app = HubEmulatorApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Emulator:UsersFile", Path.Combine(AppContext.BaseDirectory, "hub-users.json"),
             "--Logging:LogLevel:Default", "Warning", "--" + TestHostLog.ConsoleOff, "None"]);
        await app.StartAsync();
        return new HubEmulatorHost(app);
    }

    /// <summary>
    /// What the emulator's token endpoint would hand an OAuth app after <paramref name="user"/> signs in: a token never
    /// seen before, and its id_token (<see cref="IdTokenFor"/>; clients of <see cref="AuthApiFactory"/> send it as the
    /// console does). <paramref name="clientId"/> "other-app" plays a third-party "Sign in with HF" site.
    /// </summary>
    public string IssueOAuthToken(string user, string scope = "openid profile", string clientId = "moderation-ui")
    {
        var issued = OAuthTokens.Issue(State, _app.Services.GetRequiredService<SigningKey>(), BaseUrl, clientId, State.FindUser(user)!, scope, null);
        _idTokens[issued.AccessToken] = issued.IdToken;
        return issued.AccessToken;
    }

    /// <summary>The id_token issued with an OAuth access token by <see cref="IssueOAuthToken"/>.</summary>
    public string? IdTokenFor(string accessToken) => _idTokens.TryGetValue(accessToken, out var idToken) ? idToken : null;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _idTokens = new();

    public async ValueTask DisposeAsync()
    {
        State.Mode = HubMode.Normal;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
