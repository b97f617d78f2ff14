using System.Net;
using Microsoft.AspNetCore.Hosting;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>Ownership follows current HF org admin rights and explicit, revocable grants; nothing is owned for having created it.</summary>
public sealed class OwnershipTests(OwnershipTests.ShortIdentityCache api) : IClassFixture<OwnershipTests.ShortIdentityCache>
{
    /// <summary>Identities are re-read from the Hub a second after they were read (on the test's clock).</summary>
    public sealed class ShortIdentityCache : FakeClockFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("HuggingFace:CacheSeconds", "1");
        }
    }

    [Fact]
    public async Task AnOrgAdminWhoLeavesTheOrgLosesOwnershipOfWhatTheyCreated()
    {
        var founder = api.NewUser("founder", new Moderation.HubEmulator.HubOrg("o1", "lab-org", "Lab", "admin"));
        var created = await (await api.ClientWithToken(founder.UserAccessToken).PostWireAsync("/api/v1/experiments",
            new CreateExperimentRequest("lab-org", "run-1"))).ReadAsync<ExperimentResponse>(HttpStatusCode.Created);
        Assert.Equal(ExperimentRole.Owner, created.YourRole);
        var patch = new UpdateExperimentRequest(TokenLifetimeMinutes: 30);
        Assert.Equal(HttpStatusCode.OK, (await api.ClientWithToken(founder.UserAccessToken).PatchWireAsync("/api/v1/experiments/lab-org/run-1", patch)).StatusCode);

        api.Hub.State.SetOrgRole(founder.Name, "lab-org", "read");
        api.Clock.Advance(TimeSpan.FromSeconds(2)); // past the identity's freshness
        var refused = await api.ClientWithToken(founder.UserAccessToken).PatchWireAsync("/api/v1/experiments/lab-org/run-1", patch with { TokenLifetimeMinutes = 40 });
        await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        var seen = await (await api.ClientWithToken(founder.UserAccessToken).GetAsync("/api/v1/experiments/lab-org/run-1")).ReadAsync<ExperimentResponse>();
        Assert.Equal(ExperimentRole.None, seen.YourRole);
    }

    [Fact]
    public async Task ExplicitOwnerGrantsWorkUntilAnotherOwnerRevokesThem()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        await (await api.ClientFor("carol").PutAsync($"{url}/owners/mallory", null)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PutAsync($"{url}/owners/Carol", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor("carol").PatchWireAsync(url, new UpdateExperimentRequest(TokenLifetimeMinutes: 20))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("carol").PutAsync($"{url}/moderators/mallory", null)).StatusCode);
        var grants = await (await api.ClientFor("carol").GetAsync($"{url}/moderators")).ReadAsync<List<ModeratorResponse>>();
        Assert.Equal([("carol", ExperimentRole.Owner), ("mallory", ExperimentRole.Moderator)], grants.Select(g => (g.Username, g.Role)).ToArray());

        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync($"{url}/owners/carol")).StatusCode);
        await (await api.ClientFor("carol").PatchWireAsync(url, new UpdateExperimentRequest(TokenLifetimeMinutes: 25))).AssertProblemAsync(HttpStatusCode.Forbidden);
        var audit = await (await api.ClientFor("alice").GetAsync($"{url}/audit")).ReadAsync<Contracts.Moderation.Paged<Contracts.Moderation.AuditEntryResponse>>();
        Assert.Contains(audit.Items, a => a.Action == "owner.granted" && a.Target == "carol");
        Assert.Contains(audit.Items, a => a.Action == "owner.removed" && a.Target == "carol");
    }

    [Fact]
    public async Task MovingAnExperimentToAnotherOrganizationNeedsOwnerRightsThere()
    {
        var experiment = await api.CreateExperimentAsync();
        var move = System.Text.Json.JsonSerializer.Serialize(new { experiment_update = new { organization_name = "other-org" } });
        var asAlice = await api.ClientFor("alice").PutAsync($"/api/experiments/{experiment.Id}/",
            new StringContent(move, System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("other-org", (await asAlice.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
        Assert.Equal("demo-org", await api.QueryDbAsync(db => Task.FromResult(db.Experiments.Single(e => e.Id == experiment.Id).OrganizationName)));

        // A granted owner who administers another org cannot take it there: a grant does not outrank demo-org's own admins.
        var other = api.NewUser("taker", new Moderation.HubEmulator.HubOrg("o-taker", "taker-org", null, "admin"));
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PutAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/owners/{other.Name}", null)).StatusCode);
        var take = System.Text.Json.JsonSerializer.Serialize(new { experiment_update = new { organization_name = "taker-org" } });
        var asGrantee = await api.ClientWithToken(other.UserAccessToken).PutAsync($"/api/experiments/{experiment.Id}/",
            new StringContent(take, System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("admin of both", (await asGrantee.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
        Assert.Equal("demo-org", await api.QueryDbAsync(db => Task.FromResult(db.Experiments.Single(e => e.Id == experiment.Id).OrganizationName)));
        // Renaming the model inside demo-org stays within the grant.
        var rename = System.Text.Json.JsonSerializer.Serialize(new { experiment_update = new { model_name = experiment.ModelName + "-b" } });
        Assert.Equal(HttpStatusCode.OK, (await api.ClientWithToken(other.UserAccessToken).PutAsync($"/api/experiments/{experiment.Id}/",
            new StringContent(rename, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        // demo-org's admin still governs it and its grants.
        Assert.Equal(HttpStatusCode.NoContent,
            (await api.ClientFor("alice").DeleteAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}-b/owners/{other.Name}")).StatusCode);

        // An owner of both (a global admin) may move it.
        var asRoot = await api.ClientFor("root").PutAsync($"/api/experiments/{experiment.Id}/", new StringContent(move, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, asRoot.StatusCode);
    }

    [Fact]
    public async Task OnlyThoseWhoMayJoinLearnWhereTheCoordinatorIs()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        await api.AllowlistAsync(experiment, "carol");

        async Task<ExperimentResponse> AsAsync(string user) => await (await api.ClientFor(user).GetAsync(url)).ReadAsync<ExperimentResponse>();
        var stranger = await AsAsync("mallory");
        Assert.Equal((null, null, false), (stranger.CoordinatorIp, stranger.CoordinatorPort, stranger.CoordinatorVisible));
        Assert.Null((await AsAsync("bob")).CoordinatorIp); // an org member, but this experiment admits by allowlist only
        Assert.Equal(("192.0.2.7", 4321), ((await AsAsync("carol")).CoordinatorIp, (await AsAsync("carol")).CoordinatorPort));
        Assert.Equal("192.0.2.7", (await AsAsync("alice")).CoordinatorIp);

        var list = await (await api.ClientFor("mallory").GetAsync("/api/v1/experiments?page_size=200")).ReadAsync<ExperimentPage>();
        Assert.All(list.Items, e => Assert.Null(e.CoordinatorIp));
        var carols = await (await api.ClientFor("carol").GetAsync("/api/v1/experiments?page_size=200")).ReadAsync<ExperimentPage>();
        Assert.Equal("192.0.2.7", Assert.Single(carols.Items, e => e.Id == experiment.Id).CoordinatorIp);
        // The way in is said plainly.
        var membership = await (await api.ClientFor("mallory").GetAsync($"{url}/membership")).ReadAsync<Contracts.Moderation.MembershipResponse>();
        Assert.Equal("none", membership.Status);
    }
}
