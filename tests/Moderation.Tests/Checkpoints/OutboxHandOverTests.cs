using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Checkpoints;

/// <summary>
/// The outbox's bound, by a clock the test moves: a job whose action committed but whose process died before handing it
/// to Hangfire is handed over within 10 s of the commit (the sweep looks every <c>Outbox:SweepSeconds</c>, 5 s, for rows
/// at least that old).
/// </summary>
public sealed class OutboxHandOverTests(FakeClockFactory api) : IClassFixture<FakeClockFactory>
{
    [Fact]
    public async Task AJobLeftInTheOutboxIsHandedOverWithinTenSecondsOfItsCommit()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(100, 200);
        var outbox = api.Services.GetRequiredService<Outbox>();
        // The process dies between the commit and the hand-over: the client gets no answer worth having.
        outbox.BeforeDispatch = () => Task.FromException(new OperationCanceledException("the process died"));
        try
        {
            var refused = await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{name}/rollbacks", new CreateRollbackRequest(ids[100], "diverged"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }
        finally
        {
            outbox.BeforeDispatch = null;
        }
        var rollbackId = await api.QueryDbAsync(db => db.Rollbacks.Where(r => r.CheckpointId == ids[100]).Select(r => r.Id).SingleAsync());
        Assert.Equal(1, await api.QueryDbAsync(db => db.OutboxJobs.CountAsync(j => j.Argument == rollbackId)));

        api.Clock.Advance(TimeSpan.FromSeconds(10));

        // The sweep that the clock's tick set off runs now, in real time: give it a moment (nothing here waits for the clock).
        var patience = DateTime.UtcNow.AddSeconds(30);
        while (await api.QueryDbAsync(db => db.OutboxJobs.AnyAsync(j => j.Argument == rollbackId)))
        {
            Assert.True(DateTime.UtcNow < patience, "the job was not handed over 10 s after its commit");
            await Task.Delay(100);
        }
        Assert.Equal("succeeded", (await api.WaitForRollbackAsync(name, rollbackId)).Status);
    }
}
