using System.Net;
using Moderation.Contracts.Client;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>A person is their HF id: names in any letter case, renames, and names taken over by someone else.</summary>
public sealed class IdentityByIdTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private ModerationClient Client => new(api.CreateClient());

    [Fact]
    public async Task ABanTypedInAnotherLetterCaseBansThatAccountAndShowsItsRealName()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var mallory = api.NewUser("Mallory");
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";

        var ban = await (await api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest(mallory.Name.ToUpperInvariant(), "poisoned gradients")))
            .ReadAsync<BanResponse>(HttpStatusCode.Created);
        Assert.Equal(mallory.Name, ban.Username);

        var refused = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync(mallory.UserAccessToken, "demo-org", experiment.ModelName, PeerKeys.New()));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("poisoned gradients", refused.Detail, StringComparison.Ordinal);
        // Lifting it works in any case too.
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync($"{url}/bans/{mallory.Name.ToLowerInvariant()}")).StatusCode);
        await Client.JoinAsync(mallory.UserAccessToken, "demo-org", experiment.ModelName, PeerKeys.New());
    }

    [Fact]
    public async Task ARenamedAccountStaysBannedAndANewAccountWithTheFreedNameInheritsNothing()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var mallory = api.NewUser("mallory");
        await api.BanAsync(experiment, mallory.Name, "spam");

        var renamed = api.Hub.State.Rename(mallory.Name, mallory.Name + "-new")!;
        var stillBanned = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync(renamed.UserAccessToken, "demo-org", experiment.ModelName, PeerKeys.New()));
        Assert.Contains("banned", stillBanned.Detail, StringComparison.Ordinal);
        // The ban list shows the account by its new name once the Hub has told us of it.
        var bans = await (await api.ClientFor("alice").GetAsync($"{url}/bans")).ReadAsync<List<BanResponse>>();
        Assert.Equal(renamed.Name, Assert.Single(bans).Username);

        // Someone else registers the freed name: not banned, and a ban by that name now means them.
        var newcomer = api.NewUserNamed(mallory.Name);
        var joined = await Client.JoinAsync(newcomer.UserAccessToken, "demo-org", experiment.ModelName, PeerKeys.New());
        Assert.Equal(mallory.Name, joined.HivemindAccess.Username);
    }

    [Fact]
    public async Task TheRevocationListNeverNamesANewcomerWhoTookABannedAccountsFreedName()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var (org, model) = ("demo-org", experiment.ModelName);
        var mallory = api.NewUser("mallory");
        var old = await Client.JoinAsync(mallory.UserAccessToken, org, model, PeerKeys.New());
        await api.BanAsync(experiment, mallory.Name, "poisoned gradients");
        using var keys = Contracts.Tokens.ExperimentKeySet.FromJwks(await Client.GetJwksAsync(org, model));
        var verifier = new Contracts.Tokens.PeerTokenVerifier(keys, $"{org}/{model}", AuthApiFactory.Issuer);
        await using var poller = new RevocationListPoller(api.CreateClient(), org, model, keys, verifier);
        await poller.RefreshAsync();
        Assert.Equal([mallory.Name], verifier.Revocations!.BannedUsernames);

        // Mallory renames herself; a newcomer takes the freed name, signs in and joins.
        api.Hub.State.Rename(mallory.Name, mallory.Name + "-x");
        var newcomer = api.NewUserNamed(mallory.Name);
        Assert.Equal(HttpStatusCode.OK, (await api.ClientWithToken(newcomer.UserAccessToken).GetAsync("/api/v1/me")).StatusCode);
        var joined = await Client.JoinAsync(newcomer.UserAccessToken, org, model, PeerKeys.New());
        Assert.Equal(mallory.Name, joined.HivemindAccess.Username);
        // The newcomer's sign-in moved the revocation version: every replica rebuilds its list within a second.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await poller.RefreshAsync() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        // The list no longer names anyone; mallory's live token is refused by its peer key instead.
        var list = verifier.Revocations!;
        Assert.Empty(list.BannedUsernames);
        Assert.Equal([old.PeerKeyFingerprint], list.RevokedPeerKeys);
        Assert.True((await verifier.VerifyJwtAsync(joined.Token)).IsValid);
        Assert.True(verifier.VerifyHivemindAccess(joined.HivemindAccess).IsValid);
        Assert.False((await verifier.VerifyJwtAsync(old.Token)).IsValid);
        Assert.False(verifier.VerifyHivemindAccess(old.HivemindAccess).IsValid);
    }

    [Fact]
    public async Task ABannedAccountThatNeverJoinedIsNotNamedOnTheRevocationList()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var stranger = api.NewUser("stranger");
        await api.BanAsync(experiment, stranger.Name, "spam");
        await api.BanAsync(null, stranger.Name, "spam everywhere");
        var jws = await api.CreateClient().GetStringAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/revocations");
        using var keys = Contracts.Tokens.ExperimentKeySet.FromJwks(await Client.GetJwksAsync("demo-org", experiment.ModelName));
        var (list, _) = await Contracts.Tokens.RevocationList.VerifyAsync(jws, keys, $"demo-org/{experiment.ModelName}");
        Assert.Empty(list!.BannedUsernames);
        Assert.Empty(list.RevokedPeerKeys);
        // Still refused at the door, by id.
        var refused = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync(stranger.UserAccessToken, "demo-org", experiment.ModelName, PeerKeys.New()));
        Assert.Contains("banned", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantsAndAllowlistEntriesFollowTheAccountThroughARename()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var erin = api.NewUser("erin");
        var frank = api.NewUser("frank");
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PutAsync($"{url}/moderators/{erin.Name.ToUpperInvariant()}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PutAsync($"{url}/allowlist/{frank.Name}", null)).StatusCode);

        var erinRenamed = api.Hub.State.Rename(erin.Name, erin.Name + "-x")!;
        var frankRenamed = api.Hub.State.Rename(frank.Name, frank.Name + "-x")!;
        var asModerator = api.ClientWithToken(erinRenamed.UserAccessToken);
        Assert.Equal(HttpStatusCode.OK, (await asModerator.GetAsync($"{url}/bans")).StatusCode);
        await Client.JoinAsync(frankRenamed.UserAccessToken, "demo-org", experiment.ModelName, PeerKeys.New());

        // The old names, taken by new accounts, carry neither the grant nor the admission.
        var erinsNameTaken = api.NewUserNamed(erin.Name);
        await (await api.ClientWithToken(erinsNameTaken.UserAccessToken).GetAsync($"{url}/bans")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var franksNameTaken = api.NewUserNamed(frank.Name);
        var refused = await Assert.ThrowsAsync<ModerationApiException>(() =>
            Client.JoinAsync(franksNameTaken.UserAccessToken, "demo-org", experiment.ModelName, PeerKeys.New()));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Theory]
    [InlineData("moderators")]
    [InlineData("owners")]
    [InlineData("allowlist")]
    public async Task NamesTheHubDoesNotKnowAreRefusedNotGranted(string list)
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/{list}/no-such-user-42";
        var problem = await (await api.ClientFor("alice").PutAsync(url, null)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("no-such-user-42", problem.Detail(), StringComparison.Ordinal);
        Assert.Equal(0, await api.QueryDbAsync(db => Task.FromResult(db.ExperimentMembers.Count(m => m.ExperimentId == experiment.Id)
                                                                      + db.AllowlistEntries.Count(a => a.ExperimentId == experiment.Id))));
    }

    [Fact]
    public async Task AGlobalBanInAnotherCaseKeepsTheAccountOutEverywhere()
    {
        var first = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var victim = api.NewUser("Sybil");
        var ban = await (await api.ClientFor("root").PostWireAsync("/api/v1/bans", new CreateBanRequest(victim.Name.ToLowerInvariant(), "sybil ring")))
            .ReadAsync<BanResponse>(HttpStatusCode.Created);
        Assert.Equal(victim.Name, ban.Username);
        var refused = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync(victim.UserAccessToken, "demo-org", first.ModelName, PeerKeys.New()));
        Assert.Contains("every experiment", refused.Detail, StringComparison.Ordinal);
    }
}
