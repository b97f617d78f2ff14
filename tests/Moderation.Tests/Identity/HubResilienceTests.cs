using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Moderation.Contracts.Identity;
using Moderation.HubEmulator;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Identity;

/// <summary>
/// A Hub outage: identities resolved before are served stale for a bounded time (and the Hub is not asked again on every
/// request meanwhile); once calls keep failing, the circuit breaker answers 503 at once without calling the Hub.
/// </summary>
public sealed class HubResilienceTests
{
    /// <summary>Fresh for 1 s, then stale-if-error for 6 s more; the breaker never opens here.</summary>
    public sealed class StaleFactory : AuthApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("HuggingFace:CacheSeconds", "1");
            builder.UseSetting("HuggingFace:StaleIfErrorSeconds", "6");
        }
    }

    /// <summary>Opens after two failed calls, for two seconds.</summary>
    public sealed class BreakerFactory : AuthApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("HuggingFace:Client:MaxRetries", "0");
            builder.UseSetting("HuggingFace:Client:BreakerMinimumCalls", "2");
            builder.UseSetting("HuggingFace:Client:BreakSeconds", "2");
        }
    }

    /// <summary>The Hub's time limits short enough to watch them work: 2 s an attempt, 3 s a call, 3 s a user lookup.</summary>
    public sealed class ShortLimitsFactory : AuthApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("HuggingFace:TimeoutSeconds", "3");
            builder.UseSetting("HuggingFace:Client:AttemptTimeoutSeconds", "2");
            builder.UseSetting("HuggingFace:Client:TotalTimeoutSeconds", "3");
        }
    }

    public sealed class Outage(ShortLimitsFactory api) : IClassFixture<ShortLimitsFactory>
    {
        [Theory]
        [InlineData(HubMode.Unavailable, "Hugging Face answered 503 to the identity lookup (whoami-v2). Try again shortly.")]
        [InlineData(HubMode.Hang, "Hugging Face did not answer the identity lookup in time. Try again shortly.")]
        public async Task HfOutageIs503WithRetryAfterNever401AndSaysSoInASentence(HubMode mode, string detail)
        {
            // A user access token no host has seen: it is looked up through whoami-v2, so the outage answers.
            var token = api.NewUser("outage").UserAccessToken;
            api.Hub.State.Mode = mode;
            try
            {
                var clock = Stopwatch.StartNew();
                var response = await api.ClientWithToken(token).GetAsync("/api/v1/me");
                var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
                Assert.Equal(detail, problem.Detail());
                Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
                // The Hub never answers: only the 3 s limits end the wait (a generous bound for a loaded machine).
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");

                var reference = await api.ClientWithToken(token).GetAsync("/api/experiments/1/");
                await reference.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            }
            finally
            {
                api.Hub.State.Mode = HubMode.Normal;
            }

            // An outage is not remembered as a verdict: once HF is back, the same token works.
            Assert.Equal(HttpStatusCode.OK, (await api.ClientWithToken(token).GetAsync("/api/v1/me")).StatusCode);
        }
    }

    public sealed class Stale(StaleFactory api) : IClassFixture<StaleFactory>
    {
        [Fact]
        public async Task AnIdentityIsServedStaleDuringAnOutageForABoundedTime()
        {
            var token = api.Hub.IssueOAuthToken("carol");
            Assert.Equal("carol", (await (await api.ClientWithToken(token).GetAsync("/api/v1/me")).ReadAsync<MeResponse>()).Username);
            await Task.Delay(1200); // no longer fresh

            api.Hub.State.Mode = HubMode.Unavailable;
            try
            {
                var calls = api.Hub.State.ApiCalls;
                var stale = await api.ClientWithToken(token).GetAsync("/api/v1/me");
                Assert.Equal("carol", (await stale.ReadAsync<MeResponse>()).Username);
                Assert.True(api.Hub.State.ApiCalls > calls, "the Hub was asked first");
                Assert.Matches("(?m)^moderation_identity_cache_total\\{[^\\n]*result=\"stale\"[^\\n]*\\} [1-9]", await api.CreateClient().GetStringAsync("/metrics"));

                // Until Retry-After has passed, the stale identity is served without asking the Hub again.
                calls = api.Hub.State.ApiCalls;
                Assert.Equal(HttpStatusCode.OK, (await api.ClientWithToken(token).GetAsync("/api/v1/me")).StatusCode);
                Assert.Equal(calls, api.Hub.State.ApiCalls);

                // A token never resolved before has nothing to stand in for it.
                await (await api.ClientWithToken(api.Hub.IssueOAuthToken("bob")).GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

                await Task.Delay(6000); // past the stale-if-error window (1 s fresh + 6 s stale)
                var expired = await api.ClientWithToken(token).GetAsync("/api/v1/me");
                await expired.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
                Assert.Equal(TimeSpan.FromSeconds(7), expired.Headers.RetryAfter?.Delta);
            }
            finally
            {
                api.Hub.State.Mode = HubMode.Normal;
            }
            Assert.Equal(HttpStatusCode.OK, (await api.ClientWithToken(token).GetAsync("/api/v1/me")).StatusCode);
        }
    }

    public sealed class Breaker(BreakerFactory api) : IClassFixture<BreakerFactory>
    {
        [Fact]
        public async Task ADeadHubOpensTheBreakerSoRequestsFailFastWithoutCallingIt()
        {
            api.Hub.State.Mode = HubMode.Unavailable;
            try
            {
                for (var i = 0; i < 3; i++)
                {
                    await (await api.ClientWithToken(api.NewUser("unseen").UserAccessToken).GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
                }
                var calls = api.Hub.State.ApiCalls;
                for (var i = 0; i < 5; i++)
                {
                    var clock = Stopwatch.StartNew();
                    var response = await api.ClientWithToken(api.NewUser("unseen").UserAccessToken).GetAsync("/api/v1/me");
                    var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
                    Assert.Contains("too many recent calls to it failed", problem.Detail(), StringComparison.Ordinal);
                    Assert.NotNull(response.Headers.RetryAfter);
                    Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"took {clock.Elapsed}");
                }
                Assert.Equal(calls, api.Hub.State.ApiCalls);
            }
            finally
            {
                api.Hub.State.Mode = HubMode.Normal;
            }
            // After the break the breaker lets a call through, and the Hub answers again.
            await Task.Delay(2500);
            Assert.Equal(HttpStatusCode.OK, (await api.ClientWithToken(api.NewUser("unseen").UserAccessToken).GetAsync("/api/v1/me")).StatusCode);
        }
    }
}
