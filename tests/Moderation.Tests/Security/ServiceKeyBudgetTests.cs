using System.Net;
using Microsoft.AspNetCore.Hosting;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>
/// Junk service keys spend their address's budget for unknown credentials; a caller behind the same address (a NAT, a
/// campus) who sends a live key is not refused for it.
/// </summary>
public sealed class ServiceKeyBudgetTests(ServiceKeyBudgetTests.TightLookups api) : IClassFixture<ServiceKeyBudgetTests.TightLookups>
{
    public sealed class TightLookups : AuthApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimits:UnknownTokenLookupsPerMinute", "6");
            builder.UseSetting("RateLimits:UnknownTokenLookupBurst", "3");
        }
    }

    [Fact]
    public async Task JunkKeysFromOneAddressDoNotLockOutALiveKeyFromTheSameAddress()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var key = await (await api.ClientFor("alice").PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("aux", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);

        var junk = new List<HttpStatusCode>();
        for (var i = 0; i < 25; i++)
        {
            junk.Add((await RegisterAsync($"msk_{Guid.NewGuid():N}", url, experiment.ModelName, i)).Status);
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, junk);
        Assert.True(junk.Count(s => s == HttpStatusCode.Unauthorized) <= 5, string.Join(", ", junk));

        // The live key, from the same address (in-process clients share one), while the junk has the budget spent: checked, and accepted.
        for (var i = 0; i < 3; i++)
        {
            var (status, body) = await RegisterAsync(key.Secret!, url, experiment.ModelName, 100 + i);
            Assert.True(status == HttpStatusCode.Created, $"{(int)status}: {body}");
        }
        // Junk is still refused (429, or 401 once a unit of budget came back meanwhile); a revoked key as unknown.
        Assert.Contains((await RegisterAsync($"msk_{Guid.NewGuid():N}", url, experiment.ModelName, 200)).Status,
            new[] { HttpStatusCode.TooManyRequests, HttpStatusCode.Unauthorized });
        await api.ClientFor("alice").DeleteAsync($"{url}/service-keys/{key.Id}");
        Assert.NotEqual(HttpStatusCode.Created, (await RegisterAsync(key.Secret!, url, experiment.ModelName, 201)).Status);
    }

    /// <summary>Registers a checkpoint with <paramref name="secret"/>; every in-process client has the same (unknown) address.</summary>
    private async Task<(HttpStatusCode Status, string Body)> RegisterAsync(string secret, string url, string model, int step)
    {
        using var client = api.ClientWithToken(secret);
        var response = await client.PostWireAsync($"{url}/checkpoints",
            new RegisterCheckpointRequest(step, $"demo-org/{model}", CheckpointSetup.Revision(step), 1.0, DateTimeOffset.UtcNow.AddMinutes(-1)));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
