using System.Net;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;
using Moderation.Contracts.Join;
using Moderation.Contracts.Moderation;
using Moderation.HubEmulator;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>
/// A ban binds moderators and owners too: in force, it removes every power in its scope until someone else lifts it.
/// Global admins cannot be banned, nobody bans themselves, and a moderator cannot ban an owner nor lift an owner's ban.
/// </summary>
public sealed class BansBindModeratorsTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task ABannedModeratorLosesEveryPowerInTheExperimentAndCannotLiftTheirOwnBan()
    {
        var (url, moderator) = await ExperimentWithModeratorAsync();
        var asModerator = api.ClientWithToken(moderator.UserAccessToken);
        Assert.Equal(HttpStatusCode.OK, (await asModerator.GetAsync($"{url}/bans")).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest(moderator.Name, "rogue bans"))).StatusCode);

        var ownBan = await (await asModerator.DeleteAsync($"{url}/bans/{moderator.Name}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.StartsWith("You are banned from", ownBan.Detail(), StringComparison.Ordinal);
        await (await asModerator.PostWireAsync($"{url}/bans", new CreateBanRequest("mallory", "x"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asModerator.GetAsync($"{url}/audit")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asModerator.PostWireAsync($"{url}/join", new JoinInput(PeerKeys.New()))).AssertProblemAsync(HttpStatusCode.Forbidden);
        var me = await (await asModerator.GetAsync("/api/v1/me")).ReadAsync<MeResponse>();
        Assert.DoesNotContain(me.Experiments, g => url.EndsWith("/" + g.ModelName, StringComparison.Ordinal));
        Assert.Null(await api.QueryDbAsync(db => Task.FromResult(db.Bans.Where(b => b.UserId == moderator.Id).Select(b => b.LiftedAt).Single())));

        // Another moderator (here the owner) lifts it: the powers are back.
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync($"{url}/bans/{moderator.Name}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asModerator.GetAsync($"{url}/bans")).StatusCode);
    }

    [Fact]
    public async Task AGloballyBannedModeratorCannotBanAnyoneAnywhere()
    {
        var (url, moderator) = await ExperimentWithModeratorAsync();
        await api.BanAsync(null, moderator.Name, "sock puppets");

        var asModerator = api.ClientWithToken(moderator.UserAccessToken);
        await (await asModerator.PostWireAsync($"{url}/bans", new CreateBanRequest("mallory", "x"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asModerator.DeleteAsync($"/api/v1/bans/{moderator.Name}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var listed = await (await asModerator.GetAsync($"{url}")).ReadAsync<ExperimentResponse>();
        Assert.Equal(ExperimentRole.None, listed.YourRole);
        Assert.False(await api.QueryDbAsync(db => Task.FromResult(db.Bans.Any(b => b.UserId != moderator.Id && b.BannedBy == moderator.Name))));
    }

    [Fact]
    public async Task AnOrgAdminBannedFromOneExperimentOwnsNothingThereAndEverythingElseStill()
    {
        var admin = api.NewUser("admin", new HubOrg("o-lab", "lab-org", "Lab", "admin"));
        var asAdmin = api.ClientWithToken(admin.UserAccessToken);
        foreach (var model in new[] { "a", "b" })
        {
            Assert.Equal(HttpStatusCode.Created, (await asAdmin.PostWireAsync("/api/v1/experiments", new CreateExperimentRequest("lab-org", model))).StatusCode);
        }
        await api.ClientFor("root").PostWireAsync("/api/v1/experiments/lab-org/a/bans", new CreateBanRequest(admin.Name, "leaked the key"));

        var patch = new UpdateExperimentRequest(TokenLifetimeMinutes: 15);
        await (await asAdmin.PatchWireAsync("/api/v1/experiments/lab-org/a", patch)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asAdmin.DeleteAsync($"/api/v1/experiments/lab-org/a/bans/{admin.Name}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await asAdmin.PatchWireAsync("/api/v1/experiments/lab-org/b", patch)).StatusCode);

        // Banned everywhere, an org admin creates nothing either.
        await api.BanAsync(null, admin.Name, "everywhere");
        await (await asAdmin.PostWireAsync("/api/v1/experiments", new CreateExperimentRequest("lab-org", "c"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await asAdmin.PatchWireAsync("/api/v1/experiments/lab-org/b", patch)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task NobodyBansAGlobalAdminOrThemselvesAndAModeratorDoesNotBanAnOwner()
    {
        var (url, moderator) = await ExperimentWithModeratorAsync();
        var grantedOwner = api.NewUser("owner");
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PutAsync($"{url}/owners/{grantedOwner.Name}", null)).StatusCode);
        var asModerator = api.ClientWithToken(moderator.UserAccessToken);

        Assert.Contains("global admin", (await (await api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest("root", "x")))
            .AssertProblemAsync(HttpStatusCode.Conflict)).Detail(), StringComparison.Ordinal);
        await (await api.ClientFor("root").PostWireAsync("/api/v1/bans", new CreateBanRequest("root", "x"))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("yourself", (await (await asModerator.PostWireAsync($"{url}/bans", new CreateBanRequest(moderator.Name.ToUpperInvariant(), "x")))
            .AssertProblemAsync(HttpStatusCode.Conflict)).Detail(), StringComparison.Ordinal);
        Assert.Contains("only an owner", (await (await asModerator.PostWireAsync($"{url}/bans", new CreateBanRequest(grantedOwner.Name, "x")))
            .AssertProblemAsync(HttpStatusCode.Forbidden)).Detail(), StringComparison.Ordinal);
        Assert.Equal(0, await api.QueryDbAsync(db => Task.FromResult(db.Bans.Count(b => b.BannedBy == moderator.Name || b.UserId == AuthApiFactory.RootId))));

        // An owner may ban an owner, and a moderator another moderator.
        var other = api.NewUser("moderator");
        await api.ClientFor("alice").PutAsync($"{url}/moderators/{other.Name}", null);
        Assert.Equal(HttpStatusCode.Created, (await asModerator.PostWireAsync($"{url}/bans", new CreateBanRequest(other.Name, "x"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest(grantedOwner.Name, "x"))).StatusCode);
    }

    [Fact]
    public async Task AModeratorCannotLiftTheBanOwnersPutOnAnOwner()
    {
        // A rogue owner by grant, banned by the other owners, with a moderator of their own appointing.
        var (url, accomplice) = await ExperimentWithModeratorAsync();
        var rogue = api.NewUser("owner");
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PutAsync($"{url}/owners/{rogue.Name}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest(rogue.Name, "rogue grants"))).StatusCode);

        foreach (var name in new[] { rogue.Name, rogue.Name.ToUpperInvariant() })
        {
            var lifted = await api.ClientWithToken(accomplice.UserAccessToken).DeleteAsync($"{url}/bans/{name}");
            Assert.Contains("only an owner", (await lifted.AssertProblemAsync(HttpStatusCode.Forbidden)).Detail(), StringComparison.Ordinal);
        }
        await (await api.ClientWithToken(rogue.UserAccessToken).GetAsync($"{url}/audit")).AssertProblemAsync(HttpStatusCode.Forbidden);
        // An owner lifts it.
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync($"{url}/bans/{rogue.Name}")).StatusCode);
    }

    private async Task<(string Url, HubUser Moderator)> ExperimentWithModeratorAsync()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var moderator = api.NewUser("moderator");
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PutAsync($"{url}/moderators/{moderator.Name}", null)).StatusCode);
        return (url, moderator);
    }
}
