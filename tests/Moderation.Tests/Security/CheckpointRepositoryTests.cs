using System.Net;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Checkpoints;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Security;

/// <summary>Checkpoints come only from the experiment's allowed repositories, and the Hub store never leaves its branch missing.</summary>
[Collection(LiveSystem.Collection)]
public sealed class CheckpointRepositoryTests(RollbackTests.Instance api) : IClassFixture<RollbackTests.Instance>
{
    [Fact]
    public async Task AServiceKeyCannotRegisterACheckpointOfSomeoneElsesRepositoryUntilAnOwnerAllowsIt()
    {
        var (name, _) = await api.ExperimentWithCheckpointsAsync(1);
        var url = $"/api/v1/experiments/demo-org/{name}";
        var aux = await AuxAsync(url);
        var foreign = new RegisterCheckpointRequest(5, "someone-else/their-model", Revision(5), 1.0, DateTimeOffset.UtcNow.AddMinutes(-1));

        var refused = await (await aux.PostWireAsync($"{url}/checkpoints", foreign)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("allowed_checkpoint_repositories", refused.Detail(), StringComparison.Ordinal);
        Assert.Equal(1, await api.QueryDbAsync(db => Task.FromResult(db.Checkpoints.Count(c => db.Experiments.Any(e => e.Id == c.ExperimentId && e.ModelName == name)))));

        // Its own organization's repositories are allowed in any letter case; others once an owner lists them (audited).
        var ownOrg = foreign with { Repository = $"Demo-Org/{name}-extra", Revision = Revision(6), Step = 6 };
        Assert.Equal(HttpStatusCode.Created, (await aux.PostWireAsync($"{url}/checkpoints", ownOrg)).StatusCode);
        await (await api.ClientFor("carol").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["someone-else/their-model"])))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var updated = await (await api.ClientFor("alice").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["someone-else/their-model"])))
            .ReadAsync<ExperimentResponse>();
        Assert.Equal(["someone-else/their-model"], updated.AllowedCheckpointRepositories);
        Assert.Equal(HttpStatusCode.Created, (await aux.PostWireAsync($"{url}/checkpoints", foreign)).StatusCode);
        var audit = await (await api.ClientFor("alice").GetAsync($"{url}/audit?action=experiment.updated")).ReadAsync<Paged<AuditEntryResponse>>();
        Assert.Contains("someone-else/their-model", Assert.Single(audit.Items).After, StringComparison.Ordinal);
        await (await api.ClientFor("alice").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["not a repo"])))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TheHubStoreRefusesARepositoryNoLongerAllowedAndARevisionThatDoesNotExistWithoutTouchingTheBranch()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(10, 20);
        var url = $"/api/v1/experiments/demo-org/{name}";
        var branch = $"demo-org/{name}@stable";
        var first = await RollBackAsync(url, name, ids[10]);
        Assert.Equal("succeeded", first.Status);
        Assert.Equal(Revision(10), api.Hub.State.Branches[branch]);

        // A checkpoint whose commit is not on the Hub: the rollback fails at once, and the branch keeps its revision.
        // (Targets are checkpoints older than the current one, step 10 now: these are registered at earlier steps.)
        var aux = await AuxAsync(url);
        var ghost = await (await aux.PostWireAsync($"{url}/checkpoints",
            new RegisterCheckpointRequest(5, $"demo-org/{name}", Revision(30), 1.0, DateTimeOffset.UtcNow))).ReadAsync<CheckpointResponse>(HttpStatusCode.Created);
        var missing = await RollBackAsync(url, name, ghost.Id);
        Assert.Equal(("failed", 1), (missing.Status, missing.Attempts));
        Assert.Contains("no revision", missing.LastError, StringComparison.Ordinal);
        Assert.Equal(Revision(10), api.Hub.State.Branches[branch]);

        // A repository an owner listed and later removed is refused by the store too.
        api.Hub.State.AddRevision("partner/shared-model", Revision(40));
        await (await api.ClientFor("alice").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["partner/shared-model"])))
            .ReadAsync<ExperimentResponse>();
        var shared = await (await aux.PostWireAsync($"{url}/checkpoints",
            new RegisterCheckpointRequest(4, "partner/shared-model", Revision(40), 1.0, DateTimeOffset.UtcNow))).ReadAsync<CheckpointResponse>(HttpStatusCode.Created);
        await (await api.ClientFor("alice").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: []))).ReadAsync<ExperimentResponse>();
        var removed = await RollBackAsync(url, name, shared.Id);
        Assert.Equal(("failed", 1), (removed.Status, removed.Attempts));
        Assert.DoesNotContain(api.Hub.State.Branches.Keys, k => k.StartsWith("partner/", StringComparison.Ordinal));

        // A move of an existing branch is one call: the branch is never deleted on the way.
        api.Hub.State.AddRevision($"demo-org/{name}", Revision(3));
        var older = await (await aux.PostWireAsync($"{url}/checkpoints",
            new RegisterCheckpointRequest(3, $"demo-org/{name}", Revision(3), 1.0, DateTimeOffset.UtcNow))).ReadAsync<CheckpointResponse>(HttpStatusCode.Created);
        Assert.Equal("succeeded", (await RollBackAsync(url, name, older.Id)).Status);
        Assert.Equal(Revision(3), api.Hub.State.Branches[branch]);
        Assert.Equal(0, api.Hub.State.BranchDeletions);
    }

    private async Task<RollbackResponse> RollBackAsync(string url, string name, long checkpointId)
    {
        var accepted = await (await api.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(checkpointId, "test")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        return await api.WaitForRollbackAsync(name, accepted.Id);
    }

    private async Task<HttpClient> AuxAsync(string url)
    {
        var key = await (await api.ClientFor("alice").PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("aux2", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        return api.ClientWithToken(key.Secret);
    }
}
