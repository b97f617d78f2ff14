using System.Net;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Experiments;

namespace Moderation.Tests.Infrastructure;

public static class ExperimentSetup
{
    /// <summary>Creates <c>demo-org/&lt;unique&gt;</c> as alice (admin of demo-org) and returns it.</summary>
    public static async Task<ExperimentResponse> CreateExperimentAsync(
        this AuthApiFactory api, string org = "demo-org", string owner = "alice", AccessPolicy? policy = null)
    {
        var request = new CreateExperimentRequest(org, "model-" + Guid.NewGuid().ToString("N")[..10], "192.0.2.7", 4321, policy);
        var response = await api.ClientFor(owner).PostWireAsync("/api/v1/experiments", request);
        return await response.ReadAsync<ExperimentResponse>(HttpStatusCode.Created);
    }

    /// <summary>Puts <paramref name="username"/> on the allowlist, as the global admin <c>root</c>, through the API.</summary>
    public static async Task AllowlistAsync(this AuthApiFactory api, ExperimentResponse experiment, string username)
    {
        var response = await api.ClientFor("root").PutAsync(
            $"/api/v1/experiments/{experiment.OrganizationName}/{experiment.ModelName}/allowlist/{username}", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Bans <paramref name="username"/> from <paramref name="experiment"/> (or globally, when null), as <c>root</c>, through the API.</summary>
    public static async Task BanAsync(this AuthApiFactory api, ExperimentResponse? experiment, string username, string reason)
    {
        var url = experiment is null ? "/api/v1/bans" : $"/api/v1/experiments/{experiment.OrganizationName}/{experiment.ModelName}/bans";
        var response = await api.ClientFor("root").PostWireAsync(url, new Contracts.Moderation.CreateBanRequest(username, reason));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static Task<int> IssuedTokenCountAsync(this AuthApiFactory api, ExperimentResponse experiment) =>
        api.QueryDbAsync(db => db.IssuedTokens.CountAsync(t => t.ExperimentId == experiment.Id));
}
