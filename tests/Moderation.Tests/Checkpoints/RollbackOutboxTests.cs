using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Checkpoints;

/// <summary>
/// An instance that dies between committing a rollback and handing its job to Hangfire: the rollback is still run, by
/// the next instance, from the outbox row committed with it.
/// </summary>
[Collection(LiveSystem.Collection)]
public sealed class RollbackOutboxTests(RollbackOutboxTests.Instance first) : IClassFixture<RollbackOutboxTests.Instance>
{
    public sealed class Instance() : HubStoreFactory(("Outbox:SweepSeconds", "1"));

    [Fact]
    public async Task ARollbackCommittedJustBeforeItsProcessDiedStillRunsOnce()
    {
        var (name, ids) = await first.ExperimentWithCheckpointsAsync(100, 200);
        var url = $"/api/v1/experiments/demo-org/{name}";
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Services.GetRequiredService<Outbox>().BeforeDispatch = () =>
        {
            committed.TrySetResult();
            return never.Task;
        };

        var request = first.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[100], "diverged"));
        await committed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var (status, leftovers) = await first.QueryDbAsync(async db =>
            (await db.Rollbacks.Select(r => r.Status).SingleAsync(), await db.OutboxJobs.CountAsync()));
        Assert.Equal((RollbackStatus.Pending, 1), (status, leftovers));

        // The process dies here: its job never reached Hangfire.
        await first.StopHostAsync();
        never.TrySetException(new OperationCanceledException("the process died"));
        await Assert.ThrowsAnyAsync<Exception>(() => request);

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
