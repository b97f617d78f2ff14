using System.Net;
using Microsoft.AspNetCore.Hosting;
using Moderation.Contracts.Moderation;
using Moderation.HubEmulator;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>
/// Moderators cannot make the service hammer the Hub: names typed into filters and imports are looked up at most the
/// caller's budget, answers (found or not) are cached, and failing name lookups have a circuit breaker of their own, so
/// sign-ins keep working. The limits here are the production defaults.
/// </summary>
public sealed class NameLookupLimitTests(NameLookupLimitTests.RealNameLimits api) : IClassFixture<NameLookupLimitTests.RealNameLimits>
{
    public sealed class RealNameLimits : AuthApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimits:NameLookupsPerMinute", "60");
            builder.UseSetting("RateLimits:ImportNameLookupsPerMinute", "60");
            builder.UseSetting("RateLimits:InstanceNameLookupsPerMinute", "600");
            // The breaker as in production, for the name-lookup and identity clients alike.
            builder.UseSetting("HuggingFace:Client:BreakerMinimumCalls", "10");
            builder.UseSetting("HuggingFace:Client:RetryDelayMilliseconds", "1");
        }
    }

    private (HubUser User, HttpClient Client) NewModerator() => NewModerator(api);

    /// <summary>A new admin of demo-org (an owner of its experiments) with a budget of their own.</summary>
    internal static (HubUser User, HttpClient Client) NewModerator(AuthApiFactory api)
    {
        var user = api.NewUser("mod", new HubOrg("6650d0d0d0d0d0d0d0d0d0d0", "demo-org", "Demo Org", "admin"));
        return (user, api.ClientWithToken(user.UserAccessToken));
    }

    internal static string RandomName() => "nobody-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task AnImportOfAThousandRandomNamesAsksTheHubOnlyUpToTheCallersImportBudgetAndReportsTheRestNotChecked()
    {
        var experiment = await api.CreateExperimentAsync();
        var (_, moderator) = NewModerator();
        var before = api.Hub.State.UserLookups;
        var names = string.Join("\n", Enumerable.Range(0, 1000).Select(_ => RandomName()));
        var report = await (await moderator.PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/allowlist/import",
            new AllowlistImportRequest(names))).ReadAsync<AllowlistImportResponse>();

        var asked = api.Hub.State.UserLookups - before;
        Assert.InRange(asked, 1, 520); // the import budget's burst of 500, and 1 a second while the import ran
        Assert.Equal(0, report.Added);
        Assert.Equal(1000, report.UnknownUsers + report.NotChecked);
        Assert.InRange(report.NotChecked, 480, 999);
        Assert.True(report.RetryAfterSeconds >= 1);
        Assert.Equal(report.NotChecked, report.Lines.Count(l => l.Outcome == ImportOutcome.NotChecked));
    }

    [Fact]
    public async Task FilteringByRandomNamesStopsWith429AndNamesAlreadyAskedAreAnsweredFromTheCache()
    {
        var experiment = await api.CreateExperimentAsync();
        var (_, moderator) = NewModerator();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/contributions?username=";
        var before = api.Hub.State.UserLookups;
        var statuses = new List<HttpStatusCode>();
        string? retryAfter = null;
        for (var i = 0; i < 80; i++)
        {
            using var response = await moderator.GetAsync(url + RandomName());
            statuses.Add(response.StatusCode);
            retryAfter ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString() : null;
        }
        var asked = api.Hub.State.UserLookups - before;
        Assert.InRange(asked, 50, 60);
        Assert.Equal(asked, statuses.Count(s => s == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(80 - asked, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.NotNull(retryAfter);

        // Another moderator has a budget of their own; a name asked about before (found or not) is not asked again.
        var (_, other) = NewModerator();
        var unknown = RandomName();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await other.GetAsync(url + unknown)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(url + "bob")).StatusCode);
        var asked2 = api.Hub.State.UserLookups;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await other.GetAsync(url + unknown.ToUpperInvariant())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(url + "BOB")).StatusCode);
        Assert.Equal(asked2, api.Hub.State.UserLookups);
    }
}

/// <summary>Name lookups fail on their own breaker (a test class of its own: it leaves that breaker open).</summary>
public sealed class NameLookupBreakerTests(NameLookupLimitTests.RealNameLimits api) : IClassFixture<NameLookupLimitTests.RealNameLimits>
{
    private (HubUser User, HttpClient Client) NewModerator() => NameLookupLimitTests.NewModerator(api);

    private static string RandomName() => NameLookupLimitTests.RandomName();

    [Fact]
    public async Task FailingNameLookupsNeverOpenTheCircuitBreakerThatProtectsSignIns()
    {
        var experiment = await api.CreateExperimentAsync();
        var (_, moderator) = NewModerator();
        api.Hub.State.FailUserLookups = true;
        try
        {
            for (var i = 0; i < 15; i++)
            {
                using var failed = await moderator.GetAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/peers?username={RandomName()}");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            }
            // The name lookups' breaker is open now: a further one is refused at once, without a Hub call.
            var lookups = api.Hub.State.UserLookups;
            using (var refused = await moderator.GetAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/peers?username={RandomName()}"))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }
            Assert.Equal(lookups, api.Hub.State.UserLookups);

            // Sign-ins of people the identity cache has never seen go on.
            for (var i = 0; i < 3; i++)
            {
                var (_, newcomer) = NewModerator();
                Assert.Equal(HttpStatusCode.OK, (await newcomer.GetAsync("/api/v1/me")).StatusCode);
            }
        }
        finally
        {
            api.Hub.State.FailUserLookups = false;
        }
    }
}
