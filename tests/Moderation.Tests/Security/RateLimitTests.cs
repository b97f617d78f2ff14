using System.Net;
using Microsoft.AspNetCore.Hosting;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>The rate limits, with small budgets: each refusal is 429 with Retry-After and a ProblemDetails body, and costs nothing.</summary>
public sealed class RateLimitTests(RateLimitTests.TightLimits api) : IClassFixture<RateLimitTests.TightLimits>
{
    public sealed class TightLimits : AuthApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimits:JoinsPerMinute", "6");
            builder.UseSetting("RateLimits:JoinBurst", "10");
            builder.UseSetting("RateLimits:AnonymousReadsPerMinute", "60");
            builder.UseSetting("RateLimits:AnonymousReadBurst", "20");
            builder.UseSetting("RateLimits:ReportBatchesPerMinute", "60");
            builder.UseSetting("RateLimits:ReportBatchBurst", "3");
        }
    }

    [Fact]
    public async Task AFloodOfFreshKeysFromOneUserIsStoppedWithinTheBurstAndLeavesNoTokens()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/join";
        var flooder = api.NewUser("flooder");
        var client = api.ClientWithToken(flooder.UserAccessToken);

        var answers = new List<HttpResponseMessage>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 40; i++)
        {
            answers.Add(await client.PostWireAsync(url, new JoinInput(PeerKeys.New())));
        }
        var served = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        // The burst of 10, and one more per 10 s the loop took (however slow the machine).
        Assert.InRange(served, 10, 10 + (int)(clock.Elapsed.TotalSeconds / 10) + 1);
        Assert.All(answers.Take(10), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Contains("joins", (await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests)).Detail(), StringComparison.Ordinal);
        Assert.Equal(served, await api.QueryDbAsync(db => Task.FromResult(db.IssuedTokens.Count(t => t.UserId == flooder.Id))));

        // The reference join shares the budget; someone else is not affected.
        var reference = await client.PutAsync($"/api/experiments/join/{experiment.Id}/",
            System.Net.Http.Json.JsonContent.Create(new ReferenceJoinRequest(new ReferenceJoinInput(PeerKeys.New())), options: Moderation.Contracts.Json.WireJson.Options));
        Assert.Equal(HttpStatusCode.TooManyRequests, reference.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor("bob").PostWireAsync(url, new JoinInput(PeerKeys.New()))).StatusCode);
    }

    [Fact]
    public async Task AUserMayHoldLiveTokensForOnlySoManyPeerKeysInAnExperiment()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        await (await api.ClientFor("alice").PatchWireAsync(url, new UpdateExperimentRequest(MaxPeerKeysPerUser: 2))).ReadAsync<ExperimentResponse>();
        var user = api.NewUser("lab");
        var client = api.ClientWithToken(user.UserAccessToken);
        var first = PeerKeys.New();
        Assert.Equal(HttpStatusCode.OK, (await client.PostWireAsync($"{url}/join", new JoinInput(first))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostWireAsync($"{url}/join", new JoinInput(PeerKeys.New()))).StatusCode);

        var third = await client.PostWireAsync($"{url}/join", new JoinInput(PeerKeys.New()));
        Assert.Contains("2 peer keys", (await third.AssertProblemAsync(HttpStatusCode.TooManyRequests)).Detail(), StringComparison.Ordinal);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(50)); // when the first of those tokens expires
        // A key already held is not a new one.
        Assert.Equal(HttpStatusCode.OK, (await client.PostWireAsync($"{url}/join", new JoinInput(first))).StatusCode);
    }

    [Fact]
    public async Task PublicReadsArePerAddressAndHealthChecksAreNeverLimited()
    {
        var experiment = await api.CreateExperimentAsync();
        var anonymous = api.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add((await anonymous.GetAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/jwks")).StatusCode);
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync("/api/v1/leaderboards")).StatusCode);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        }
    }

    [Fact]
    public async Task ReportBatchesAreLimitedPerReporter()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var peer = await api.JoinAsync(url, "bob");
        var statuses = new List<HttpStatusCode>();
        for (var step = 1; step <= 8; step++)
        {
            var batch = new ContributionBatch([ContributionSetup.Report(peer.PeerKeyFingerprint, step, 100, 10, DateTimeOffset.UtcNow.AddMinutes(-1))]);
            statuses.Add((await aux.PostWireAsync($"{url}/contributions", batch)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    /// <summary>A join refused for the live-key cap changes nothing: the key it named is not claimed by the refused user.</summary>
    [Fact]
    public async Task AJoinRefusedForTheKeyCapClaimsNothing()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        await (await api.ClientFor("alice").PatchWireAsync(url, new UpdateExperimentRequest(MaxPeerKeysPerUser: 1))).ReadAsync<ExperimentResponse>();
        var squatter = api.ClientWithToken(api.NewUser("squatter").UserAccessToken);
        Assert.Equal(HttpStatusCode.OK, (await squatter.PostWireAsync($"{url}/join", new JoinInput(PeerKeys.New()))).StatusCode);

        var victimsKey = PeerKeys.New();
        await (await squatter.PostWireAsync($"{url}/join", new JoinInput(victimsKey))).AssertProblemAsync(HttpStatusCode.TooManyRequests);

        var victim = api.ClientWithToken(api.NewUser("victim").UserAccessToken);
        var answer = await victim.PostWireAsync($"{url}/join", new JoinInput(victimsKey));
        Assert.True(answer.StatusCode == HttpStatusCode.OK,
            $"the victim's join with a key nobody holds a token for answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
    }
}
