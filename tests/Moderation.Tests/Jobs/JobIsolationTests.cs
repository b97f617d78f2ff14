using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Moderation;
using Moderation.HubEmulator;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Jobs;

/// <summary>Rollbacks stuck on a hanging Hub hold only the rollback workers: expired bans are still lifted on time.</summary>
[Collection(LiveSystem.Collection)]
public sealed class JobIsolationTests(JobIsolationTests.HangingHubFactory api) : IClassFixture<JobIsolationTests.HangingHubFactory>
{
    public sealed class HangingHubFactory : HubStoreFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Each call to a hanging Hub waits 20 s: longer than this test, so the rollbacks hold their workers throughout.
            builder.UseSetting("HuggingFace:Client:AttemptTimeoutSeconds", "20");
            builder.UseSetting("HuggingFace:Client:TotalTimeoutSeconds", "40");
            builder.UseSetting("HuggingFace:Client:BreakerSamplingSeconds", "60");
            builder.UseSetting("Hangfire:RollbackWorkerCount", "2");
            builder.UseSetting("Hangfire:BanExpiryCron", "*/2 * * * * *");
            builder.UseSetting("Hangfire:SchedulePollingIntervalSeconds", "1");
        }
    }

    [Fact]
    public async Task ExpiredBanIsLiftedOnTimeWhileRollbacksHangOnTheHub()
    {
        var experiments = new List<(string Name, long Target)>();
        for (var i = 0; i < 3; i++)
        {
            var (name, ids) = await api.ExperimentWithCheckpointsAsync(10, 20);
            experiments.Add((name, ids[10]));
        }
        var (banned, _) = await api.ExperimentWithCheckpointsAsync(1);
        // Warm the caches the ban needs (alice's identity, bob's existence): the Hub is about to hang.
        var banUrl = $"/api/v1/experiments/demo-org/{banned}/bans";
        await (await api.ClientFor("alice").PostWireAsync(banUrl, new CreateBanRequest("bob", "warm-up"))).ReadAsync<BanResponse>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync($"{banUrl}/bob")).StatusCode);

        api.Hub.State.Mode = HubMode.Hang;
        try
        {
            var rollbacks = new List<long>();
            foreach (var (name, target) in experiments)
            {
                var accepted = await (await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{name}/rollbacks",
                    new CreateRollbackRequest(target, "hub hangs"))).ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
                rollbacks.Add(accepted.Id);
            }
            // Both rollback workers are now waiting on the Hub (the third rollback waits for a worker).
            await WaitUntilAsync(async () => await RunningRollbacksAsync(rollbacks) == 2, TimeSpan.FromSeconds(30));

            var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
            var ban = await (await api.ClientFor("alice").PostWireAsync(banUrl, new CreateBanRequest("bob", "cooling off", ExpiresAt: expiresAt)))
                .ReadAsync<BanResponse>(HttpStatusCode.Created);
            await WaitUntilAsync(() => api.QueryDbAsync(db => db.Bans.AnyAsync(b => b.Id == ban.Id && b.LiftedAt != null)), TimeSpan.FromSeconds(20));
            var liftedSeenAt = DateTimeOffset.UtcNow;

            Assert.True(liftedSeenAt - expiresAt < TimeSpan.FromSeconds(10), $"lifted {liftedSeenAt - expiresAt} after it expired");
            Assert.Equal(2, await RunningRollbacksAsync(rollbacks));
            Assert.Equal(1, await api.QueryDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "ban.expired" && a.Target == "bob")));
        }
        finally
        {
            api.Hub.State.Mode = HubMode.Normal;
        }
    }

    private Task<int> RunningRollbacksAsync(List<long> ids) =>
        api.QueryDbAsync(db => db.Rollbacks.CountAsync(r => ids.Contains(r.Id) && r.Status == Moderation.AuthApi.Data.RollbackStatus.Running));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not so within {patience}");
            await Task.Delay(200);
        }
    }
}
