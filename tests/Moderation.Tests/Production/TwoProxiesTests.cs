using System.Net;
using Microsoft.AspNetCore.Hosting;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Production;

/// <summary>
/// Behind two trusted proxies (TLS terminated in front of HAProxy, or a cloud balancer in front of an ingress) every
/// trusted hop is unwound: each client keeps its own address, so one client's junk tokens do not use up another's
/// budget for unknown tokens.
/// </summary>
public sealed class TwoProxiesTests(AuthApiFactory shared) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task BehindTwoTrustedProxiesOneClientsJunkTokensDoNotLockOutAnother()
    {
        await using var api = new BehindTwoProxies(shared);
        await api.InitializeAsync();
        api.UseKestrel(0);
        api.StartServer();
        using var client = new HttpClient { BaseAddress = api.ClientOptions.BaseAddress };

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client, $"hf_{Guid.NewGuid():N}", "203.0.113.66, 198.51.100.7"));
        }
        var victim = api.NewUser("victim");
        var status = await MeAsync(client, victim.UserAccessToken, "192.0.2.44, 198.51.100.7");
        Assert.True(status == HttpStatusCode.OK, $"a new user at another address answered {(int)status} after someone else's junk tokens");
    }

    [Fact]
    public async Task AddressesAClientWritesIntoXForwardedForDoNotBuyAFreshBudget()
    {
        await using var api = new BehindTwoProxies(shared);
        await api.InitializeAsync();
        api.UseKestrel(0);
        api.StartServer();
        using var client = new HttpClient { BaseAddress = api.ClientOptions.BaseAddress };

        // The client puts a new address of its own in front each time; the proxies append the client's real one
        // (203.0.113.77) and the outer proxy's. The app stops at the first address no trusted proxy vouches for.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add(await MeAsync(client, $"hf_{Guid.NewGuid():N}", $"192.0.2.{i + 1}, 203.0.113.77, 198.51.100.7"));
        }
        // The burst of 3, then refusals (one more may come from a refill if the loop is slow).
        Assert.All(statuses.Take(3), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.True(statuses.Skip(3).Count(s => s == HttpStatusCode.TooManyRequests) >= 4, string.Join(", ", statuses));
    }

    private static async Task<HttpStatusCode> MeAsync(HttpClient client, string token, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await client.SendAsync(request)).StatusCode;
    }

    /// <summary>The app on loopback; the inner proxy is 127.0.0.1, the outer one (TLS) is in 198.51.100.0/24, both trusted.</summary>
    private sealed class BehindTwoProxies(AuthApiFactory sharedWith) : AuthApiFactory(sharedWith)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ReverseProxy:TrustedProxies:0", "127.0.0.1");
            builder.UseSetting("ReverseProxy:TrustedNetworks:0", "198.51.100.0/24");
            builder.UseSetting("RateLimits:UnknownTokenLookupsPerMinute", "6");
            builder.UseSetting("RateLimits:UnknownTokenLookupBurst", "3");
        }
    }
}
