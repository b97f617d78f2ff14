using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Checkpoints;

/// <summary>
/// A worker that dies while it hands a committed rollback's job to Hangfire: the rollback is still run, once, by the next
/// worker, from the outbox row committed with it.
/// </summary>
[Collection(LiveSystem.Collection)]
public sealed class RollbackOutboxTests(RollbackOutboxTests.Instance first) : IClassFixture<RollbackOutboxTests.Instance>
{
    public sealed class Instance() : HubStoreFactory(("Outbox:SweepSeconds", "1"));

    [Fact]
    public async Task ARollbackWhoseWorkerDiedHandingItOverStillRunsOnce()
    {
        var (name, ids) = await first.ExperimentWithCheckpointsAsync(100, 200);
        var url = $"/api/v1/experiments/demo-org/{name}";
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Services.GetRequiredService<OutboxDispatcher>().BeforeHandOver = () =>
        {
            taken.TrySetResult();
            return never.Task;
        };

        await (await first.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[100], "diverged")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        await taken.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var (status, leftovers) = await first.QueryDbAsync(async db =>
            (await db.Rollbacks.Select(r => r.Status).SingleAsync(), await db.OutboxJobs.CountAsync()));
        Assert.Equal((RollbackStatus.Pending, 1), (status, leftovers));

        // The worker dies here, holding the row: its job never reached Hangfire.
        var stopped = first.StopHostAsync();
        never.TrySetException(new OperationCanceledException("the process died"));
        await stopped;

        await using var next = first.Next();
        await next.InitializeAsync();
        var rollbackId = await next.QueryDbAsync(db => db.Rollbacks.Select(r => r.Id).SingleAsync());
        var done = await next.WaitForRollbackAsync(name, rollbackId);
        Assert.Equal(("succeeded", 1), (done.Status, done.Attempts));
        Assert.Equal(Revision(100), first.Hub.State.Branches[$"demo-org/{name}@stable"]);
        Assert.Equal(0, await next.QueryDbAsync(db => db.OutboxJobs.CountAsync()));
        Assert.Equal(1, await next.QueryDbAsync(db => db.AuditEntries.CountAsync(a => a.Experiment == $"demo-org/{name}" && a.Action == "rollback.succeeded")));
    }
}
