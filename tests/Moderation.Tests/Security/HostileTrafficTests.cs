using System.Net;
using System.Net.Http.Headers;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>Traffic from anyone on the internet: path tricks that would reach another route, and tokens that would cost Hub lookups.</summary>
[Collection(LiveSystem.Collection)]
public sealed class HostileTrafficTests(LiveSystem stack)
{
    [Theory]
    [InlineData("allowlist/%2e%2e")]
    [InlineData("bans/%2E%2E")]
    [InlineData("moderators/%2e.")]
    [InlineData("allowlist/..")]
    [InlineData("allowlist/%2e")]
    [InlineData("owners/.%2E")]
    public async Task ADotSegmentNeverReachesAnotherRoute(string tail)
    {
        var experiment = await stack.Api.CreateExperimentAsync();
        var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "hf_dev_alice");
        // Sent exactly as written: .NET would otherwise resolve the dot segments before sending.
        var target = new Uri($"{stack.ApiUrl}/api/v1/experiments/demo-org/{experiment.ModelName}/{tail}",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        var response = await client.DeleteAsync(target);

        Assert.Contains("'..'", (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await stack.Api.ClientFor("alice").GetAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}")).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/experiments/demo-org/x/allowlist/a%0Ab")]
    public async Task ControlCharactersInAPathAreAProblemDetails400(string path)
    {
        var target = new Uri(stack.ApiUrl + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var response = await new HttpClient().GetAsync(target);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task JunkTokensOnPublicEndpointsNeverReachTheHub()
    {
        var experiment = await stack.Api.CreateExperimentAsync();
        var before = stack.Api.Hub.State.WhoAmICalls;
        foreach (var path in new[] { "/healthz", "/readyz", $"/api/v1/experiments/demo-org/{experiment.ModelName}/jwks",
                     $"/api/v1/experiments/demo-org/{experiment.ModelName}/revocations", "/api/v1/leaderboards", "/openapi/v1.json" })
        {
            for (var i = 0; i < 5; i++)
            {
                var client = stack.Api.ClientWithToken($"hf_{Guid.NewGuid():N}");
                Assert.True((await client.GetAsync(path)).IsSuccessStatusCode, path);
            }
        }
        Assert.Equal(before, stack.Api.Hub.State.WhoAmICalls);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("Bearerish")]
    [InlineData("hf_")]
    [InlineData("hf_has spaces")]
    [InlineData("hf_tab\there")]
    public async Task ATokenThatCannotBeAnHfTokenIsRefusedWithoutAskingTheHub(string token)
    {
        var before = stack.Api.Hub.State.WhoAmICalls;
        var client = new HttpClient { BaseAddress = new Uri(stack.ApiUrl) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
        var response = await client.GetAsync("/api/v1/me");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(before, stack.Api.Hub.State.WhoAmICalls);
    }
}
