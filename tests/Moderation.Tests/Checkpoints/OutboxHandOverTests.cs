using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Checkpoints;

/// <summary>
/// The outbox's bound when a hand-over fails (the database lost while the worker hands a job to Hangfire): the worker
/// listens again and hands the job over within twice <c>Outbox:SweepSeconds</c>, without another commit to wake it.
/// </summary>
public sealed class OutboxHandOverTests(OutboxHandOverTests.Instance api) : IClassFixture<OutboxHandOverTests.Instance>
{
    public sealed class Instance() : HubStoreFactory(("Outbox:SweepSeconds", "2"));

    [Fact]
    public async Task AHandOverThatFailedIsTriedAgainWithinTwiceTheSweepInterval()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(100, 200);
        var dispatcher = api.Services.GetRequiredService<OutboxDispatcher>();
        var failedAt = new TaskCompletionSource<Stopwatch>(TaskCreationOptions.RunContinuationsAsynchronously);
        dispatcher.BeforeHandOver = () =>
        {
            dispatcher.BeforeHandOver = null;
            failedAt.TrySetResult(Stopwatch.StartNew());
            return Task.FromException(new InvalidOperationException("the database went away"));
        };
        var rollback = await (await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{name}/rollbacks",
            new CreateRollbackRequest(ids[100], "diverged"))).ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        var clock = await failedAt.Task.WaitAsync(TimeSpan.FromSeconds(60));

        while (await api.QueryDbAsync(db => db.OutboxJobs.AnyAsync(j => j.Argument == rollback.Id)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the job was not handed over again");
            await Task.Delay(50);
        }
        var after = clock.Elapsed;
        Assert.True(after >= TimeSpan.FromSeconds(1.5), $"handed over {after} after the failure: before the wait");
        // 4 s and the time to reconnect on a loaded machine.
        Assert.True(after < TimeSpan.FromSeconds(8), $"handed over {after} after the failure");
        Assert.Equal(("succeeded", 1), await api.WaitForRollbackAsync(name, rollback.Id) is var done ? (done.Status, done.Attempts) : default);
    }

    [Fact]
    public async Task ARowOfAKindThisBuildDoesNotKnowWaitsAndHoldsNoOtherJobBack()
    {
        // Written by a newer release during a rolling upgrade, before any of its workers runs.
        var future = new Moderation.AuthApi.Data.OutboxJob { Kind = "kind-of-a-newer-release", Argument = long.MaxValue, CreatedAt = DateTimeOffset.UtcNow };
        await api.QueryDbAsync(async db => { db.OutboxJobs.Add(future); return await db.SaveChangesAsync(); });
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(100, 200);

        var rollback = await (await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{name}/rollbacks",
            new CreateRollbackRequest(ids[100], "diverged"))).ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);

        Assert.Equal(("succeeded", 1), await api.WaitForRollbackAsync(name, rollback.Id) is var done ? (done.Status, done.Attempts) : default);
        Assert.True(await api.QueryDbAsync(db => db.OutboxJobs.AnyAsync(j => j.Id == future.Id)));
    }
}
