using System.Net;
using System.Text.Json;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Experiments;

public sealed class ExperimentApiTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private static CreateExperimentRequest NewExperiment(string org, string? model = null) =>
        new(org, model ?? "model-" + Guid.NewGuid().ToString("N")[..8], "192.0.2.10", 31337);

    [Fact]
    public async Task OrgAdminCreatesExperimentAndBecomesOwner()
    {
        var request = NewExperiment("demo-org");
        var response = await api.ClientFor("alice").PostWireAsync("/api/v1/experiments", request);

        var created = await response.ReadAsync<ExperimentResponse>(HttpStatusCode.Created);
        Assert.Equal("demo-org", created.OrganizationName);
        Assert.Equal(request.ModelName, created.ModelName);
        Assert.Equal("alice", created.CreatedBy);
        Assert.Equal(ExperimentRole.Owner, created.YourRole);
        Assert.Equal(AccessPolicy.OrgMembers, created.AccessPolicy);
        Assert.Equal(ExperimentLimits.DefaultTokenLifetimeMinutes, created.TokenLifetimeMinutes);
        Assert.Equal($"/api/v1/experiments/demo-org/{request.ModelName}", response.Headers.Location?.ToString());

        var fetched = await api.ClientFor("alice").GetAsync($"/api/v1/experiments/demo-org/{request.ModelName}");
        Assert.Equal(created.Id, (await fetched.ReadAsync<ExperimentResponse>()).Id);
    }

    [Fact]
    public async Task ReadMemberOfOrgCannotCreateAndNothingIsStored()
    {
        var before = await api.ExperimentCountAsync();
        var response = await api.ClientFor("bob").PostWireAsync("/api/v1/experiments", NewExperiment("demo-org"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("demo-org", problem.Detail(), StringComparison.Ordinal);
        Assert.Equal(before, await api.ExperimentCountAsync());
    }

    [Fact]
    public async Task StrangerCannotCreateForAnotherOrg()
    {
        var response = await api.ClientFor("dave").PostWireAsync("/api/v1/experiments", NewExperiment("demo-org"));
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task GlobalAdminCreatesForAnyOrgAndOwnsEveryExperiment()
    {
        var response = await api.ClientFor("root").PostWireAsync("/api/v1/experiments", NewExperiment("some-org"));
        await response.ReadAsync<ExperimentResponse>(HttpStatusCode.Created);

        var aliceExperiment = await CreateAsync("alice", "demo-org");
        var asRoot = await api.ClientFor("root").GetAsync($"/api/v1/experiments/demo-org/{aliceExperiment.ModelName}");
        Assert.Equal(ExperimentRole.Owner, (await asRoot.ReadAsync<ExperimentResponse>()).YourRole);
    }

    [Fact]
    public async Task DuplicateExperimentIsAConflict()
    {
        var created = await CreateAsync("alice", "demo-org");
        var again = await api.ClientFor("alice").PostWireAsync("/api/v1/experiments", NewExperiment("demo-org", created.ModelName));
        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(created.ModelName, problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OwnerUpdatesSettingsButModeratorAndStrangerCannot()
    {
        var experiment = await CreateAsync("alice", "demo-org");
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        await GrantModeratorAsync(experiment, "carol");

        var asModerator = await api.ClientFor("carol").PatchWireAsync(url, new UpdateExperimentRequest(CoordinatorPort: 4000));
        await asModerator.AssertProblemAsync(HttpStatusCode.Forbidden);
        var asStranger = await api.ClientFor("mallory").PatchWireAsync(url, new UpdateExperimentRequest(CoordinatorPort: 4000));
        await asStranger.AssertProblemAsync(HttpStatusCode.Forbidden);

        var asOwner = await api.ClientFor("alice").PatchWireAsync(url,
            new UpdateExperimentRequest(CoordinatorPort: 4000, AccessPolicy: AccessPolicy.Allowlist, LeaderboardVisible: false));
        var updated = await asOwner.ReadAsync<ExperimentResponse>();
        Assert.Equal(4000, updated.CoordinatorPort);
        Assert.Equal("192.0.2.10", updated.CoordinatorIp);
        Assert.Equal(AccessPolicy.Allowlist, updated.AccessPolicy);
        Assert.False(updated.LeaderboardVisible);
        Assert.True(updated.UpdatedAt > experiment.UpdatedAt);
    }

    [Fact]
    public async Task OwnerDeletesExperimentOthersCannot()
    {
        var experiment = await CreateAsync("alice", "demo-org");
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        await GrantModeratorAsync(experiment, "carol");

        await (await api.ClientFor("carol").DeleteAsync(url)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientFor("bob").DeleteAsync(url)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync(url)).StatusCode);
        await (await api.ClientFor("alice").GetAsync(url)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListShowsYourRoleInEachExperiment()
    {
        var experiment = await CreateAsync("alice", "demo-org");
        await GrantModeratorAsync(experiment, "carol");

        var asCarol = await (await api.ClientFor("carol").GetAsync("/api/v1/experiments?page_size=200")).ReadAsync<ExperimentPage>();
        Assert.Equal(ExperimentRole.Moderator, asCarol.Items.Single(e => e.Id == experiment.Id).YourRole);
        var asMallory = await (await api.ClientFor("mallory").GetAsync("/api/v1/experiments?page_size=200")).ReadAsync<ExperimentPage>();
        Assert.Equal(ExperimentRole.None, asMallory.Items.Single(e => e.Id == experiment.Id).YourRole);
    }

    [Fact]
    public async Task OwnersGrantAndRemoveModeratorsAndModeratorsOnlyRead()
    {
        var experiment = await CreateAsync("alice", "demo-org");
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/moderators";

        var granted = await (await api.ClientFor("alice").PutAsync($"{url}/carol", null)).ReadAsync<ModeratorResponse>(HttpStatusCode.Created);
        Assert.Equal(ExperimentRole.Moderator, granted.Role);
        Assert.Equal("alice", granted.GrantedBy);
        var regranted = await api.ClientFor("alice").PutAsync($"{url}/carol", null);
        Assert.Equal(HttpStatusCode.OK, regranted.StatusCode);

        var list = await (await api.ClientFor("carol").GetAsync(url)).ReadAsync<List<ModeratorResponse>>();
        // Explicit grants only: alice owns as an admin of demo-org, not by a grant.
        Assert.Equal(["carol"], list.Select(m => m.Username).Order().ToList());
        await (await api.ClientFor("carol").PutAsync($"{url}/mallory", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientFor("mallory").GetAsync(url)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientFor("alice").PutAsync($"{url}/alice", null)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync($"{url}/carol")).StatusCode);
        await (await api.ClientFor("alice").DeleteAsync($"{url}/carol")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await api.ClientFor("carol").GetAsync(url)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ModeratorOfOneExperimentHasNoPowerOverAnother()
    {
        var first = await CreateAsync("alice", "demo-org");
        var second = await CreateAsync("alice", "demo-org");
        await GrantModeratorAsync(first, "carol");

        var response = await api.ClientFor("carol").GetAsync($"/api/v1/experiments/demo-org/{second.ModelName}/moderators");
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task UnknownExperimentIsNotFound()
    {
        var response = await api.ClientFor("alice").GetAsync("/api/v1/experiments/demo-org/does-not-exist");
        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("demo-org/does-not-exist", problem.Detail(), StringComparison.Ordinal);
    }

    private async Task<ExperimentResponse> CreateAsync(string user, string org)
    {
        var response = await api.ClientFor(user).PostWireAsync("/api/v1/experiments", NewExperiment(org));
        return await response.ReadAsync<ExperimentResponse>(HttpStatusCode.Created);
    }

    private async Task GrantModeratorAsync(ExperimentResponse experiment, string username)
    {
        var response = await api.ClientFor("alice").PutAsync(
            $"/api/v1/experiments/{experiment.OrganizationName}/{experiment.ModelName}/moderators/{username}", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
