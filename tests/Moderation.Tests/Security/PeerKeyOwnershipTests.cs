using System.Net;
using Moderation.Contracts.Client;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>A peer key belongs to the first user it was issued for, in every experiment.</summary>
public sealed class PeerKeyOwnershipTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private ModerationClient Client => new(api.CreateClient());

    [Fact]
    public async Task ASecondUserCannotJoinWithSomeoneElsesKeyAndModeratorsSeeTheAttempt()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var bobsKey = PeerKeys.New();
        var bobs = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, bobsKey);

        var native = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_carol", "demo-org", experiment.ModelName, bobsKey));
        Assert.Equal(HttpStatusCode.Conflict, native.Status);
        Assert.Contains("belongs to another Hugging Face account", native.Detail, StringComparison.Ordinal);
        var reference = await Assert.ThrowsAsync<ModerationApiException>(() =>
            Client.JoinReferenceAsync("hf_dev_carol", "demo-org", experiment.ModelName, bobsKey));
        Assert.Equal(HttpStatusCode.Unauthorized, reference.Status);
        Assert.Contains("belongs to another", reference.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await api.QueryDbAsync(db => Task.FromResult(db.IssuedTokens.Count(t => t.ExperimentId == experiment.Id && t.Username == "carol"))));

        // Nor in another experiment: the key is bob's everywhere.
        var other = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_carol", "demo-org", other.ModelName, bobsKey));

        // Bob himself is unaffected, here and elsewhere.
        Assert.Equal(bobs.Token, (await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, bobsKey)).Token);
        await Client.JoinAsync("hf_dev_bob", "demo-org", other.ModelName, bobsKey);

        var peers = await (await api.ClientFor("alice").GetAsync($"{url}/peers")).ReadAsync<List<PeerResponse>>();
        Assert.Equal(2, Assert.Single(peers, p => p.PeerKeyFingerprint == bobs.PeerKeyFingerprint).RefusedClaims);
        var audit = await (await api.ClientFor("alice").GetAsync($"{url}/audit?action=peer_key.claim_refused")).ReadAsync<Paged<AuditEntryResponse>>();
        var entry = Assert.Single(audit.Items);
        Assert.Equal(("carol", bobs.PeerKeyFingerprint), (entry.Actor, entry.Target));
    }

    [Fact]
    public async Task ReportsForAKeyAreCreditedToItsOwnerNotToWhoeverTriedToClaimIt()
    {
        var (experiment, url, aux) = await api.OpenExperimentWithAuxAsync();
        var key = PeerKeys.New();
        var bobs = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, key);
        await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_carol", "demo-org", experiment.ModelName, key));

        await aux.SendAsync(url, ContributionSetup.Steps(new Dictionary<string, double> { [bobs.PeerKeyFingerprint] = 100 }, steps: 3));
        var board = await api.LeaderboardAsync(url);
        Assert.Equal("bob", Assert.Single(board.Entries).Username);
    }
}
