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

    /// <summary>What the emulator's token endpoint would hand an OAuth app after <paramref name="user"/> signs in: a token never seen before.</summary>
    public string IssueOAuthToken(string user, string scope = "openid profile")
    {
        var token = "hf_oauth_test_" + Guid.NewGuid().ToString("N");
        State.AccessTokens[token] = new OAuthGrant(State.FindUser(user)!, scope, DateTimeOffset.UtcNow.AddHours(1));
        return token;
    }

    public async ValueTask DisposeAsync()
    {
        State.Mode = HubMode.Normal;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
