using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Checkpoints;

/// <summary>A rollback whose AuthApi instance stops mid-way is finished by the next instance, and applied once.</summary>
[Collection(LiveSystem.Collection)]
public sealed class RollbackRestartTests(RollbackRestartTests.Instance first) : IClassFixture<RollbackRestartTests.Instance>
{
    // A job whose instance went away is taken up by another after three seconds.
    public sealed class Instance() : HubStoreFactory(("Hangfire:InvisibilityTimeoutSeconds", "3"));

    [Fact]
    public async Task ARollbackInterruptedByARestartIsFinishedByTheNextInstanceOnce()
    {
        var (name, ids) = await first.ExperimentWithCheckpointsAsync(100, 200);
        var url = $"/api/v1/experiments/demo-org/{name}";

        first.Hub.State.HoldBranchCalls();
        var accepted = await (await first.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[100], "diverged")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        await first.Hub.State.BranchCallHeld.WaitAsync(TimeSpan.FromSeconds(60));
        var midway = await (await first.ClientFor("alice").GetAsync($"{url}/rollbacks/{accepted.Id}")).ReadAsync<RollbackResponse>();
        Assert.Equal(("running", 1), (midway.Status, midway.Attempts));

        await first.StopHostAsync();
        first.Hub.State.ReleaseBranchCalls();
        await using var next = first.Next();
        await next.InitializeAsync();
        var done = await next.WaitForRollbackAsync(name, accepted.Id);

        Assert.Equal(("succeeded", 2), (done.Status, done.Attempts));
        Assert.Equal(Revision(100), first.Hub.State.Branches[$"demo-org/{name}@stable"]);
        Assert.Equal(1, done.SupersededCheckpoints);
        Assert.Equal(1, await next.QueryDbAsync(db => db.AuditEntries.CountAsync(a => a.Experiment == $"demo-org/{name}" && a.Action == "rollback.succeeded")));
    }
}
