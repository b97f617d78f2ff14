using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Checkpoints;

/// <summary>A rollback whose AuthApi instance stops mid-way is finished by the next instance, and applied once.</summary>
[Collection(LiveSystem.Collection)]
public sealed class RollbackRestartTests(RollbackRestartTests.Instance first) : IClassFixture<RollbackRestartTests.Instance>
{
    public class Instance : AuthApiFactory
    {
        public Instance()
        {
        }

        protected Instance(AuthApiFactory sharedWith) : base(sharedWith)
        {
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Checkpoints:Store", "hub");
            builder.UseSetting("Checkpoints:HubToken", "hf_dev_alice");
            // A job whose instance went away is taken up by another after three seconds.
            builder.UseSetting("Hangfire:InvisibilityTimeoutSeconds", "3");
        }
    }

    private sealed class NextInstance(AuthApiFactory sharedWith) : Instance(sharedWith);

    private static string Revision(int n) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n)))[..40];

    [Fact]
    public async Task ARollbackInterruptedByARestartIsFinishedByTheNextInstanceOnce()
    {
        var experiment = await first.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var key = await (await first.ClientFor("alice").PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("aux", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        var ids = new Dictionary<int, long>();
        foreach (var step in new[] { 100, 200 })
        {
            ids[step] = (await (await first.ClientWithToken(key.Secret).PostWireAsync($"{url}/checkpoints",
                    new RegisterCheckpointRequest(step, $"demo-org/{experiment.ModelName}", Revision(step), 1.0, DateTimeOffset.UtcNow.AddMinutes(-5))))
                .ReadAsync<CheckpointResponse>(HttpStatusCode.Created)).Id;
        }

        first.Hub.State.HoldBranchCalls();
        var accepted = await (await first.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[100], "diverged")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        await first.Hub.State.BranchCallHeld.WaitAsync(TimeSpan.FromSeconds(60));
        var midway = await (await first.ClientFor("alice").GetAsync($"{url}/rollbacks/{accepted.Id}")).ReadAsync<RollbackResponse>();
        Assert.Equal(("running", 1), (midway.Status, midway.Attempts));

        await first.StopHostAsync();
        first.Hub.State.ReleaseBranchCalls();
        await using var next = new NextInstance(first);
        await next.InitializeAsync();
        var done = await WaitAsync(next, url, accepted.Id);

        Assert.Equal(("succeeded", 2), (done.Status, done.Attempts));
        Assert.Equal(Revision(100), first.Hub.State.Branches[$"demo-org/{experiment.ModelName}@stable"]);
        Assert.Equal(1, done.SupersededCheckpoints);
        Assert.Equal(1, await next.QueryDbAsync(db => db.AuditEntries.CountAsync(a => a.ExperimentId == experiment.Id && a.Action == "rollback.succeeded")));
    }

    private static async Task<RollbackResponse> WaitAsync(AuthApiFactory api, string url, long id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var rollback = await (await api.ClientFor("alice").GetAsync($"{url}/rollbacks/{id}")).ReadAsync<RollbackResponse>();
            if (rollback.Status is "succeeded" or "failed" || DateTime.UtcNow > deadline)
            {
                return rollback;
            }
            await Task.Delay(200);
        }
    }
}
