using System.Net;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Checkpoints;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Jobs;

/// <summary>
/// <c>Instance:Role</c>: a serving replica runs no job and does not load Hangfire, leaving the jobs its actions commit in
/// the outbox; a worker hands them to Hangfire as soon as the commit tells it (or, if none was running, as it starts)
/// and runs them, and serves nothing but its health and metrics.
/// </summary>
public sealed class InstanceRoleTests(InstanceRoleTests.ServingReplica serving) : IClassFixture<InstanceRoleTests.ServingReplica>
{
    public sealed class ServingReplica() : HubStoreFactory(("Instance:Role", "serve"));

    [Fact]
    public async Task ARollbackTakenByAServingReplicaWaitsInTheOutboxUntilAWorkerRunsItAndLaterOnesAreHandedOverAtTheirCommit()
    {
        Assert.Null(serving.Services.GetService<JobStorage>());
        Assert.Null(serving.Services.GetService<IBackgroundJobClient>());
        Assert.DoesNotContain(serving.Services.GetServices<IHostedService>(), s => s.GetType().Assembly.GetName().Name!.StartsWith("Hangfire", StringComparison.Ordinal));
        var (name, ids) = await serving.ExperimentWithCheckpointsAsync(100, 200, 300);
        var url = $"/api/v1/experiments/demo-org/{name}/rollbacks";
        var first = await (await serving.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[200], "diverged")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        // Acknowledged: its job is in the outbox, where the serving replica leaves it.
        Assert.Equal(1, await serving.QueryDbAsync(db => db.OutboxJobs.CountAsync(j => j.Argument == first.Id)));
        Assert.Equal("pending", (await (await serving.ClientFor("alice").GetAsync($"{url}/{first.Id}")).ReadAsync<RollbackResponse>()).Status);

        // A worker that looks at the outbox on its own only once an hour: it hands over what it finds as it starts...
        await using var worker = serving.Next(("Instance:Role", "work"), ("Outbox:SweepSeconds", "3600"));
        await worker.InitializeAsync();
        Assert.NotNull(worker.Services.GetService<JobStorage>());
        Assert.Equal(("succeeded", 1), await OutcomeAsync(first.Id));
        Assert.Equal(Revision(200), serving.Hub.State.Branches[$"demo-org/{name}@stable"]);

        // ...and what a serving replica commits from then on when the commit's notification reaches it.
        var second = await (await serving.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[100], "diverged again")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        Assert.Equal(("succeeded", 1), await OutcomeAsync(second.Id));
        Assert.Equal(Revision(100), serving.Hub.State.Branches[$"demo-org/{name}@stable"]);
        Assert.Equal(0, await serving.QueryDbAsync(db => db.OutboxJobs.CountAsync()));

        // The worker serves its health and metrics, and no API.
        using var client = worker.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await worker.ClientFor("alice").GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/openapi/v1.json")).StatusCode);

        async Task<(string, int)> OutcomeAsync(long id)
        {
            var done = await serving.WaitForRollbackAsync(name, id);
            return (done.Status, done.Attempts);
        }
    }

    [Fact]
    public async Task ARoleThatIsNoneOfTheThreeStopsTheStartNamingTheSetting()
    {
        await using var wrong = serving.Next(("Instance:Role", "wrok"));
        await wrong.InitializeAsync();
        var refusal = Assert.ThrowsAny<Exception>(() => wrong.CreateClient());
        Assert.Contains("Instance:Role 'wrok' is none of all, serve, work", refusal.ToString(), StringComparison.Ordinal);
    }
}
