using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Identity;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>
/// Junk tokens do not become Hub traffic: lookups of unknown tokens are limited per client address (junk service keys and
/// forged peer tokens spend the same budget), only a few are in flight to the Hub at once, and the identity cache stays
/// bounded however many tokens it is shown.
/// </summary>
public sealed class HubLookupLimitTests(HubLookupLimitTests.TightLookups api) : IClassFixture<HubLookupLimitTests.TightLookups>
{
    public sealed class TightLookups : AuthApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimits:UnknownTokenLookupsPerMinute", "6");
            builder.UseSetting("RateLimits:UnknownTokenLookupBurst", "3");
            builder.UseSetting("RateLimits:ConcurrentHubLookups", "2");
            builder.UseSetting("HuggingFace:TimeoutSeconds", "3");
        }
    }

    [Fact]
    public async Task UnknownTokensFromOneAddressStopAtTheBudgetWhileKnownTokensAndOtherAddressesPass()
    {
        Assert.Equal(HttpStatusCode.OK, (await MeAsync("hf_dev_bob", "198.51.100.1")).Status);
        var callsBefore = api.Hub.State.ApiCalls;

        var answers = new List<(HttpStatusCode Status, string Body, string? RetryAfter)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 12; i++)
        {
            answers.Add(await MeAsync($"hf_{Guid.NewGuid():N}", "203.0.113.7"));
        }
        // The burst of 3, and one more per 10 s the loop took (however slow the machine).
        var looked = answers.Count(a => a.Status == HttpStatusCode.Unauthorized);
        Assert.InRange(looked, 3, 3 + (int)(clock.Elapsed.TotalSeconds / 10) + 1);
        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.Unauthorized, a.Status));
        var refused = answers.First(a => a.Status == HttpStatusCode.TooManyRequests);
        Assert.Contains("unknown tokens", refused.Body, StringComparison.Ordinal);
        Assert.True(int.Parse(refused.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        // Each looked-up token is whoami-v2 and then userinfo (it might be an OAuth token); refused ones cost nothing.
        Assert.Equal(2 * looked, api.Hub.State.ApiCalls - callsBefore);

        // A token the cache knows is served from the same address; another address has its own budget.
        Assert.Equal(HttpStatusCode.OK, (await MeAsync("hf_dev_bob", "203.0.113.7")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync($"hf_{Guid.NewGuid():N}", "192.0.2.9")).Status);
        // A rejected token asked again within its negative-cache time is not a new lookup either.
        var rejected = $"hf_{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(rejected, "192.0.2.10")).Status);
        var callsAfter = api.Hub.State.ApiCalls;
        Assert.Equal(HttpStatusCode.Unauthorized, (await MeAsync(rejected, "192.0.2.10")).Status);
        Assert.Equal(callsAfter, api.Hub.State.ApiCalls);
    }

    /// <summary>
    /// An IPv6 client holds a whole /64 (2^64 addresses): the budget for unknown tokens is the network's, so rotating the
    /// interface id does not buy a fresh one.
    /// </summary>
    [Fact]
    public async Task UnknownTokensFromOneIpv6NetworkShareOneBudget()
    {
        var callsBefore = api.Hub.State.ApiCalls;
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 12; i++)
        {
            statuses.Add((await AddressedRequests.MeAsync(api, $"hf_{Guid.NewGuid():N}", $"2001:db8:1:2::{i:x}")).Status);
        }
        // Burst of 3 (plus at most one refill while the loop runs): the rest must be 429 without a Hub call.
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 8,
            $"statuses: {string.Join(", ", statuses)}; Hub calls made: {api.Hub.State.ApiCalls - callsBefore}");
    }

    [Fact]
    public async Task JunkServiceKeysAndForgedPeerTokensSpendTheSameBudgetAndThenCostNothing()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        foreach (var (address, authorization) in new (string, Func<int, string>)[]
                 {
                     ("203.0.113.51", _ => $"Bearer msk_{Guid.NewGuid():N}"),
                     ("203.0.113.52", i => "DPoP " + Moderation.Contracts.Tokens.PeerJwt.Create(new Moderation.Contracts.Tokens.PeerTokenClaims(
                         "x", "x", "x", $"org-{i}/model-{Guid.NewGuid():N}", 0, 0, 0, "x", new Moderation.Contracts.Tokens.Confirmation("x")), Moderation.Contracts.Tokens.PeerJwt.Credentials("kid", key))),
                 })
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 12; i++)
            {
                statuses.Add((await AddressedRequests.SendAsync(api, authorization(i), address)).Status);
            }
            // The burst of 3 (and one more per 10 s of a slow loop) is answered 401; the rest 429 before any lookup.
            Assert.True(statuses.Count(s => s == HttpStatusCode.Unauthorized) is >= 3 and <= 5, $"{address}: {string.Join(", ", statuses)}");
            Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        }
        // Someone else, at another address, is not affected.
        Assert.Equal(HttpStatusCode.OK, (await AddressedRequests.MeAsync(api, "hf_dev_bob", "203.0.113.53")).Status);
    }

    [Fact]
    public async Task NoMoreThanTheConfiguredNumberOfLookupsAreAtTheHubAtOnce()
    {
        api.Hub.State.Mode = Moderation.HubEmulator.HubMode.Hang;
        try
        {
            api.Hub.State.ResetMostApiCallsInFlight();
            var callsBefore = api.Hub.State.ApiCalls;
            var requests = Enumerable.Range(0, 6).Select(i => MeAsync($"hf_{Guid.NewGuid():N}", $"192.0.2.{100 + i}")).ToList();
            // Two at the Hub (hanging), four waiting for a slot, until the lookup deadline (3 s) answers them all 503.
            for (var waited = 0; api.Hub.State.ApiCalls - callsBefore < 2 && waited < 2500; waited += 50)
            {
                await Task.Delay(50);
            }
            await Task.Delay(400);
            var mostAtOnce = api.Hub.State.MostApiCallsInFlight;
            var answers = await Task.WhenAll(requests);
            Assert.Equal(2, mostAtOnce);
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
            Assert.All(answers, a => Assert.NotNull(a.RetryAfter));
        }
        finally
        {
            api.Hub.State.Mode = Moderation.HubEmulator.HubMode.Normal;
        }
    }

    private Task<(HttpStatusCode Status, string Body, string? RetryAfter)> MeAsync(string token, string address) =>
        AddressedRequests.MeAsync(api, token, address);
}

/// <summary>However many tokens it is shown, the identity cache holds at most the configured number.</summary>
public sealed class IdentityCacheBoundTests(IdentityCacheBoundTests.SmallCache api) : IClassFixture<IdentityCacheBoundTests.SmallCache>
{
    public sealed class SmallCache : AuthApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("HuggingFace:IdentityCacheEntries", "100");
        }
    }

    [Fact]
    public async Task TheIdentityCacheHoldsNoMoreTokensThanConfigured()
    {
        var resolver = api.Services.GetRequiredService<HfIdentityResolver>();
        for (var i = 0; i < 150; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AddressedRequests.MeAsync(api, $"hf_{Guid.NewGuid():N}", "10.1.0.1")).Status);
        }
        Assert.InRange(resolver.CachedTokens, 1, 100);
        Assert.Equal(HttpStatusCode.OK, (await AddressedRequests.MeAsync(api, "hf_dev_carol", "10.2.0.1")).Status);
    }
}

/// <summary>Requests that seem to come from a given client address (the limits are per address).</summary>
internal static class AddressedRequests
{
    public static Task<(HttpStatusCode Status, string Body, string? RetryAfter)> MeAsync(AuthApiFactory api, string token, string address) =>
        SendAsync(api, new AuthenticationHeaderValue("Bearer", token).ToString(), address);

    /// <summary>GET /api/v1/me with this Authorization header, from <paramref name="address"/>.</summary>
    public static async Task<(HttpStatusCode Status, string Body, string? RetryAfter)> SendAsync(AuthApiFactory api, string authorization, string address)
    {
        var context = await api.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/api/v1/me";
            c.Request.Headers.Authorization = authorization;
            c.Connection.RemoteIpAddress = IPAddress.Parse(address);
        });
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        var problem = context.Response.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true;
        Assert.True(context.Response.StatusCode == 200 || problem, $"{context.Response.StatusCode} without ProblemDetails: {body}");
        return ((HttpStatusCode)context.Response.StatusCode, body, context.Response.Headers.RetryAfter.FirstOrDefault());
    }
}
