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

    /// <summary>Writes straight to the database what the moderation API (a later feature) would.</summary>
    public static Task AllowlistAsync(this AuthApiFactory api, ExperimentResponse experiment, string username) =>
        api.QueryDbAsync(async db =>
        {
            db.AllowlistEntries.Add(new AllowlistEntry { ExperimentId = experiment.Id, Username = username, AddedBy = "alice", AddedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });

    public static Task BanAsync(this AuthApiFactory api, ExperimentResponse? experiment, string username, string reason) =>
        api.QueryDbAsync(async db =>
        {
            db.Bans.Add(new Ban { ExperimentId = experiment?.Id, Username = username, Reason = reason, BannedBy = "alice", CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });

    public static Task<int> IssuedTokenCountAsync(this AuthApiFactory api, ExperimentResponse experiment) =>
        api.QueryDbAsync(db => db.IssuedTokens.CountAsync(t => t.ExperimentId == experiment.Id));
}
