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

        // Its own organization's repositories are allowed in any letter case; others once a global admin lists them (audited).
        var ownOrg = foreign with { Repository = $"Demo-Org/{name}-extra", Revision = Revision(6), Step = 6 };
        Assert.Equal(HttpStatusCode.Created, (await aux.PostWireAsync($"{url}/checkpoints", ownOrg)).StatusCode);
        await (await api.ClientFor("carol").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["someone-else/their-model"])))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var updated = await (await api.ClientFor("root").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["someone-else/their-model"])))
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

        // A repository a global admin listed and an owner later removed: refused when a rollback is asked for, and by the
        // store itself when a rollback requested before the removal runs again.
        api.Hub.State.AddRevision("partner/shared-model", Revision(40));
        await (await api.ClientFor("root").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["partner/shared-model"])))
            .ReadAsync<ExperimentResponse>();
        var shared = await (await aux.PostWireAsync($"{url}/checkpoints",
            new RegisterCheckpointRequest(4, "partner/shared-model", Revision(40), 1.0, DateTimeOffset.UtcNow))).ReadAsync<CheckpointResponse>(HttpStatusCode.Created);
        api.Hub.State.FailNextBranchCalls(10);
        var failing = await RollBackAsync(url, name, shared.Id);
        api.Hub.State.FailNextBranchCalls(0);
        Assert.Equal("failed", failing.Status);
        await (await api.ClientFor("alice").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: []))).ReadAsync<ExperimentResponse>();
        await (await api.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(shared.Id, "test")))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var retried = await (await api.ClientFor("alice").PostAsync($"{url}/rollbacks/{failing.Id}/retry", null)).ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        var removed = await api.WaitForRollbackAsync(name, retried.Id);
        Assert.Equal("failed", removed.Status);
        Assert.Contains("not an allowed checkpoint repository", removed.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(api.Hub.State.Branches.Keys, k => k.StartsWith("partner/", StringComparison.Ordinal));

        // A move of an existing branch is one call: the branch is never deleted on the way.
        api.Hub.State.AddRevision($"demo-org/{name}", Revision(3));
        var older = await (await aux.PostWireAsync($"{url}/checkpoints",
            new RegisterCheckpointRequest(3, $"demo-org/{name}", Revision(3), 1.0, DateTimeOffset.UtcNow))).ReadAsync<CheckpointResponse>(HttpStatusCode.Created);
        Assert.Equal("succeeded", (await RollBackAsync(url, name, older.Id)).Status);
        Assert.Equal(Revision(3), api.Hub.State.Branches[branch]);
        Assert.Equal(0, api.Hub.State.BranchDeletions);
    }

    [Fact]
    public async Task AnOwnerCannotAimCheckpointsOrRollbacksAtAnotherOrganizationsRepositoryWithoutAGlobalAdmin()
    {
        // The owner of a self-made experiment in an org of their own tries to list demo-org's model.
        var owner = api.NewUser("self-made", new Moderation.HubEmulator.HubOrg("o-" + Guid.NewGuid().ToString("N")[..6], "own-org", null, "admin"));
        var asOwner = api.ClientWithToken(owner.UserAccessToken);
        var created = await (await asOwner.PostWireAsync("/api/v1/experiments", new CreateExperimentRequest("own-org", $"run-{Guid.NewGuid():N}"[..12])))
            .ReadAsync<ExperimentResponse>(HttpStatusCode.Created);
        var url = $"/api/v1/experiments/own-org/{created.ModelName}";
        var refused = await (await asOwner.PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["own-org/extra", "Demo-Org/demo-model"])))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("global admin", refused.Detail(), StringComparison.Ordinal);
        Assert.Contains("Demo-Org/demo-model", refused.Detail(), StringComparison.Ordinal);
        Assert.DoesNotContain("own-org/extra", refused.Detail(), StringComparison.Ordinal);
        Assert.Empty((await (await asOwner.GetAsync(url)).ReadAsync<ExperimentResponse>()).AllowedCheckpointRepositories);

        // Its own checkpoint of demo-org's model is refused at registration.
        var key = await (await asOwner.PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("aux", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        var aux = api.ClientWithToken(key.Secret);
        api.Hub.State.AddRevision("demo-org/demo-model", Revision(7));
        var aimed = new RegisterCheckpointRequest(7, "demo-org/demo-model", Revision(7), 1.0, DateTimeOffset.UtcNow.AddMinutes(-1));
        await (await aux.PostWireAsync($"{url}/checkpoints", aimed)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        // A global admin's approval lets it in; the owner may then remove it (not add it back), and a rollback to it is refused from then on.
        await (await api.ClientFor("root").PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["demo-org/demo-model"])))
            .ReadAsync<ExperimentResponse>();
        var registered = await (await aux.PostWireAsync($"{url}/checkpoints", aimed)).ReadAsync<CheckpointResponse>(HttpStatusCode.Created);
        // A later checkpoint of its own, so the aimed one is a rollback target by age (only older checkpoints are).
        await (await aux.PostWireAsync($"{url}/checkpoints", aimed with { Step = 8, Repository = $"own-org/{created.ModelName}", Revision = Revision(8) }))
            .ReadAsync<CheckpointResponse>(HttpStatusCode.Created);
        await (await asOwner.PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["demo-org/demo-model"]))).ReadAsync<ExperimentResponse>();
        await (await asOwner.PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: []))).ReadAsync<ExperimentResponse>();
        await (await asOwner.PatchWireAsync(url, new UpdateExperimentRequest(AllowedCheckpointRepositories: ["demo-org/demo-model"])))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var rollback = await (await asOwner.PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(registered.Id, "aimed elsewhere")))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("not an allowed checkpoint repository", rollback.Detail(), StringComparison.Ordinal);
        Assert.DoesNotContain(api.Hub.State.Branches.Keys, k => k.StartsWith("demo-org/demo-model@", StringComparison.Ordinal));
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
