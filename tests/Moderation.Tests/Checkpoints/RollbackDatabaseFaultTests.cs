using System.Net;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Rollbacks;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Checkpoints;

/// <summary>
/// A rollback always ends, succeeded or failed (and then retryable): a database restart in the middle of its job is
/// retried, and a rollback whose job is gone is failed by the sweep, never left pending or running.
/// </summary>
[Collection(LiveSystem.Collection)]
public sealed class RollbackDatabaseFaultTests(RollbackDatabaseFaultTests.Instance api) : IClassFixture<RollbackDatabaseFaultTests.Instance>
{
    // One rollback worker: a second rollback waits in the queue while the first is held on the Hub.
    public sealed class Instance() : HubStoreFactory(("Hangfire:RollbackWorkerCount", "1"));

    [Fact]
    public async Task ADatabaseRestartHittingTheRollbacksWriteIsRetriedAndTheRollbackSucceedsOnce()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(100, 200);
        var url = $"/api/v1/experiments/demo-org/{name}";
        RollbackResponse accepted;
        await using (var later = await api.LockRowAsync("checkpoints", ids[200]))
        {
            accepted = await (await api.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[100], "diverged")))
                .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
            // The branch is moved; the job's write of the result (the later checkpoint superseded) waits on the row...
            await api.WaitForWriteWaitingOnAsync("checkpoints");
            // ...when PostgreSQL restarts under it.
            Assert.True(await later.TerminateOtherSessionsAsync() > 0);
        }
        var done = await api.WaitForRollbackAsync(name, accepted.Id);

        // Tried again from the start: the branch is moved a second time (that is idempotent), the registry once.
        Assert.Equal(("succeeded", 2), (done.Status, done.Attempts));
        Assert.Equal(Revision(100), api.Hub.State.Branches[$"demo-org/{name}@stable"]);
        Assert.Equal(1, done.SupersededCheckpoints);
        Assert.Equal(1, await api.QueryDbAsync(db => db.AuditEntries.CountAsync(a => a.Experiment == $"demo-org/{name}" && a.Action == "rollback.succeeded")));
    }

    [Fact]
    public async Task ARollbackWhoseJobWasDeletedIsFailedByTheSweepAndCanBeRetried()
    {
        var (busy, busyIds) = await api.ExperimentWithCheckpointsAsync(10, 20);
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(100, 200);
        api.Hub.State.HoldBranchCalls();
        var running = await (await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{busy}/rollbacks",
            new CreateRollbackRequest(busyIds[10], "first"))).ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        await api.Hub.State.BranchCallHeld.WaitAsync(TimeSpan.FromSeconds(60));
        var url = $"/api/v1/experiments/demo-org/{name}";
        var waiting = await (await api.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[100], "diverged")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);

        // Once a worker has handed it from the outbox to Hangfire, someone deletes the waiting rollback's job from the dashboard.
        var monitoring = api.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        bool Queued(KeyValuePair<string, Hangfire.Storage.Monitoring.EnqueuedJobDto> j) => (long)j.Value.Job.Args[0] == waiting.Id;
        await GroupCommitHold.WaitUntilAsync(() => monitoring.EnqueuedJobs("rollbacks", 0, 100).Any(Queued), "a worker to hand the rollback to Hangfire");
        var job = Assert.Single(monitoring.EnqueuedJobs("rollbacks", 0, 100), Queued);
        Assert.True(api.Services.GetRequiredService<IBackgroundJobClient>().Delete(job.Key));
        int failed;
        await using (var scope = api.Services.CreateAsyncScope())
        {
            failed = await scope.ServiceProvider.GetRequiredService<RollbackSweepJob>().RunAsync(CancellationToken.None);
        }

        Assert.Equal(1, failed); // the running one keeps its job
        var stranded = await (await api.ClientFor("alice").GetAsync($"{url}/rollbacks/{waiting.Id}")).ReadAsync<RollbackResponse>();
        Assert.Equal(("failed", RollbackSweepJob.Error), (stranded.Status, stranded.LastError));
        Assert.Equal("running", (await (await api.ClientFor("alice").GetAsync($"/api/v1/experiments/demo-org/{busy}/rollbacks/{running.Id}"))
            .ReadAsync<RollbackResponse>()).Status);

        api.Hub.State.ReleaseBranchCalls();
        Assert.Equal("succeeded", (await api.WaitForRollbackAsync(busy, running.Id)).Status);
        (await api.ClientFor("alice").PostAsync($"{url}/rollbacks/{waiting.Id}/retry", null)).EnsureSuccessStatusCode();
        var retried = await api.WaitForRollbackAsync(name, waiting.Id);
        Assert.Equal(("succeeded", 1), (retried.Status, retried.Attempts));
        Assert.Equal(Revision(100), api.Hub.State.Branches[$"demo-org/{name}@stable"]);
    }
}
