using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Experiments;
using Moderation.HubEmulator;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>
/// A former org admin keeps no power from a grant they gave themselves: such grants are refused, and one made before the
/// refusal carries no power (and says so). Grants given to others outlive whoever granted them.
/// </summary>
public sealed class SelfGrantTests(SelfGrantTests.ShortIdentityCache api) : IClassFixture<SelfGrantTests.ShortIdentityCache>
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
    public async Task AnOwnerGrantToOneselfIsRefused()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var refused = await api.ClientFor("alice").PutAsync($"{url}/owners/ALICE", null);
        Assert.Contains("yourself", (await refused.AssertProblemAsync(HttpStatusCode.Conflict)).Detail(), StringComparison.Ordinal);
        await (await api.ClientFor("root").PutAsync($"{url}/owners/root", null)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Empty(await (await api.ClientFor("alice").GetAsync($"{url}/moderators")).ReadAsync<List<ModeratorResponse>>());
    }

    [Fact]
    public async Task AFormerOrgAdminKeepsNoPowerFromAnEarlierSelfGrantButTheirGrantsToOthersStand()
    {
        var founder = api.NewUser("founder", new HubOrg("o-self", "self-org", "Self", "admin"));
        var helper = api.NewUser("helper");
        var asFounder = api.ClientWithToken(founder.UserAccessToken);
        Assert.Equal(HttpStatusCode.Created, (await asFounder.PostWireAsync("/api/v1/experiments", new CreateExperimentRequest("self-org", "run"))).StatusCode);
        const string url = "/api/v1/experiments/self-org/run";
        Assert.Equal(HttpStatusCode.Created, (await asFounder.PutAsync($"{url}/owners/{helper.Name}", null)).StatusCode);
        // A self-grant as one could make it before they were refused.
        await api.QueryDbAsync(async db =>
        {
            var experimentId = await db.Experiments.Where(e => e.ModelName == "run" && e.OrganizationName == "self-org").Select(e => e.Id).SingleAsync();
            db.ExperimentMembers.Add(new ExperimentMember
            {
                ExperimentId = experimentId, UserId = founder.Id, Role = ExperimentRole.Owner, GrantedBy = founder.Name, GrantedById = founder.Id,
                GrantedAt = DateTimeOffset.UtcNow,
            });
            return await db.SaveChangesAsync();
        });

        api.Hub.State.SetOrgRole(founder.Name, "self-org", "read");
        api.Clock.Advance(TimeSpan.FromSeconds(2)); // past the identity's freshness
        await (await asFounder.PatchWireAsync(url, new UpdateExperimentRequest(TokenLifetimeMinutes: 30))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asFounder.DeleteAsync($"{url}/owners/{helper.Name}")).AssertProblemAsync(HttpStatusCode.Forbidden);

        // The owner the founder appointed still owns it, sees the void grant for what it is, and revokes it.
        var asHelper = api.ClientWithToken(helper.UserAccessToken);
        var grants = await (await asHelper.GetAsync($"{url}/moderators")).ReadAsync<List<ModeratorResponse>>();
        Assert.True(Assert.Single(grants, g => g.UserId == founder.Id).SelfGranted);
        Assert.False(Assert.Single(grants, g => g.UserId == helper.Id).SelfGranted);
        Assert.Equal(HttpStatusCode.NoContent, (await asHelper.DeleteAsync($"{url}/owners/{founder.Name}")).StatusCode);
    }
}
