using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moderation.Contracts.Client;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;
using Moderation.HubEmulator;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Join;

public sealed class JoinTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private ModerationClient Client => new(api.CreateClient());

    [Fact]
    public async Task OrgMemberJoinsAndBothTokensVerifyOfflineWithTheJwks()
    {
        var experiment = await api.CreateExperimentAsync();
        var peerKey = PeerKeys.New();

        var joined = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, peerKey);

        Assert.Equal("192.0.2.7", joined.CoordinatorIp);
        Assert.Equal(4321, joined.CoordinatorPort);
        Assert.Equal(OpenSshRsaKey.Parse(peerKey).Fingerprint, joined.PeerKeyFingerprint);
        Assert.EndsWith($"/api/v1/experiments/demo-org/{experiment.ModelName}/jwks", joined.JwksUrl, StringComparison.Ordinal);
        using var keys = ExperimentKeySet.FromJwks(await Client.GetJwksAsync("demo-org", experiment.ModelName));
        var verifier = new PeerTokenVerifier(keys, $"demo-org/{experiment.ModelName}", AuthApiFactory.Issuer);

        var jwt = await verifier.VerifyJwtAsync(joined.Token, expectedPeerKey: peerKey);
        Assert.True(jwt.IsValid, jwt.Reason);
        Assert.Equal("bob", jwt.Username);
        var hivemind = verifier.VerifyHivemindAccess(joined.HivemindAccess, expectedPeerKey: peerKey);
        Assert.True(hivemind.IsValid, hivemind.Reason);
        Assert.Equal(jwt.ExpiresAt, hivemind.ExpiresAt);

        var claims = PeerJwt.Read(joined.Token)!;
        Assert.Equal(joined.Kid, claims.Kid);
        Assert.Equal("6650b0b0b0b0b0b0b0b0b0b0", claims.Claims.Subject);
        Assert.Equal($"demo-org/{experiment.ModelName}", claims.Claims.Audience);
        Assert.Equal(joined.PeerKeyFingerprint, claims.Claims.Confirmation.JwkThumbprint);
        Assert.Equal(experiment.TokenLifetimeMinutes * 60, claims.Claims.Expires - claims.Claims.IssuedAt);
        Assert.Equal(claims.Claims.IssuedAt, claims.Claims.NotBefore);
        Assert.True(Guid.TryParse(claims.Claims.TokenId, out _));
        var published = Assert.Single((await Client.GetJwksAsync("demo-org", experiment.ModelName)).Keys);
        Assert.Equal(joined.Kid, published.Kid);
        Assert.Equal(joined.AuthServerPublicKey, OpenSshRsaKey.Format(published.ToRsaParameters()));
    }

    [Fact]
    public async Task ReferenceJoinAnswersTheExactReferenceShape()
    {
        var experiment = await api.CreateExperimentAsync();
        var peerKey = PeerKeys.New();

        var response = await api.ClientFor("bob").PutAsJsonAsync(
            $"/api/experiments/join?organization_name=demo-org&model_name={experiment.ModelName}",
            new { experiment_join_input = new { peer_public_key = peerKey } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        // The reference server's fields, plus initial_peers: its clients read only the fields they know (pydantic's
        // ExperimentJoinOutput ignores others, HuggingFaceAuthorizer reads keys), and moderation_hivemind reads this one.
        Assert.Equal(["auth_server_public_key", "coordinator_ip", "coordinator_port", "hivemind_access", "initial_peers"],
            json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Array, json.GetProperty("initial_peers").ValueKind);
        var access = json.GetProperty("hivemind_access");
        Assert.Equal(["expiration_time", "peer_public_key", "signature", "username"],
            access.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("bob", access.GetProperty("username").GetString());
        Assert.Equal(peerKey, access.GetProperty("peer_public_key").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$", access.GetProperty("expiration_time").GetString());
        Assert.StartsWith("ssh-rsa AAAA", json.GetProperty("auth_server_public_key").GetString(), StringComparison.Ordinal);

        using var keys = ExperimentKeySet.FromOpenSsh(json.GetProperty("auth_server_public_key").GetString()!);
        var token = JsonSerializer.Deserialize<HivemindAccess>(access.GetRawText(), Moderation.Contracts.Json.WireJson.Options)!;
        Assert.True(new PeerTokenVerifier(keys, "unused", AuthApiFactory.Issuer).VerifyHivemindAccess(token, peerKey).IsValid);
    }

    [Fact]
    public async Task TokenWeIssueVerifiesTheWayTheHivemindClientDoes()
    {
        var experiment = await api.CreateExperimentAsync();
        var joined = await Client.JoinReferenceAsync("hf_dev_bob", "demo-org", experiment.ModelName, PeerKeys.New());

        var verdict = await HivemindClientCheck.RunAsync(joined.AuthServerPublicKey, joined.HivemindAccess);
        Assert.Equal("valid", verdict);

        var tampered = joined.HivemindAccess with { Username = "mallory" };
        Assert.StartsWith("invalid", await HivemindClientCheck.RunAsync(joined.AuthServerPublicKey, tampered), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JoinByIdWorksLikeJoinByName()
    {
        var experiment = await api.CreateExperimentAsync();
        var response = await api.ClientFor("bob").PutAsJsonAsync($"/api/experiments/join/{experiment.Id}/",
            new { experiment_join_input = new { peer_public_key = PeerKeys.New() } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("bob", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hivemind_access").GetProperty("username").GetString());
    }

    [Fact]
    public async Task StrangerIsRefusedWithAClearReasonAndNothingIsSigned()
    {
        var experiment = await api.CreateExperimentAsync();

        var native = await api.ClientFor("carol").PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/join", new JoinInput(PeerKeys.New()));
        var problem = await native.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal($"carol is not on the allowlist of demo-org/{experiment.ModelName} and not a member of the Hugging Face organization demo-org: a join request was recorded for its moderators.", problem.Detail());
        Assert.False(problem.GetProperty("banned").GetBoolean());

        var reference = await api.ClientFor("carol").PutAsJsonAsync($"/api/experiments/join?organization_name=demo-org&model_name={experiment.ModelName}",
            new { experiment_join_input = new { peer_public_key = PeerKeys.New() } });
        Assert.Contains("not on the allowlist", (await reference.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
        Assert.Equal(0, await api.IssuedTokenCountAsync(experiment));
    }

    [Fact]
    public async Task AllowlistedUserAndOpenPolicyAdmitStrangers()
    {
        var allowlistOnly = await api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        await api.AllowlistAsync(allowlistOnly, "carol");
        Assert.Equal("carol", (await Client.JoinAsync("hf_dev_carol", "demo-org", allowlistOnly.ModelName, PeerKeys.New())).HivemindAccess.Username);
        // Under the allowlist policy, org membership alone is not enough.
        var bob = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_bob", "demo-org", allowlistOnly.ModelName, PeerKeys.New()));
        Assert.Equal(HttpStatusCode.Forbidden, bob.Status);

        var open = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        Assert.Equal("mallory", (await Client.JoinAsync("hf_dev_mallory", "demo-org", open.ModelName, PeerKeys.New())).HivemindAccess.Username);
    }

    [Fact]
    public async Task BannedUserIsRefusedWithTheReasonAndGlobalBansApplyEverywhere()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var other = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        await api.BanAsync(experiment, "mallory", "sent poisoned gradients");

        var native = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_mallory", "demo-org", experiment.ModelName, PeerKeys.New()));
        Assert.Equal(HttpStatusCode.Forbidden, native.Status);
        Assert.Equal($"mallory is banned from demo-org/{experiment.ModelName}: sent poisoned gradients", native.Detail);
        var reference = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinReferenceAsync("hf_dev_mallory", "demo-org", experiment.ModelName, PeerKeys.New()));
        Assert.Equal(HttpStatusCode.Unauthorized, reference.Status);
        Assert.Contains("sent poisoned gradients", reference.Detail, StringComparison.Ordinal);
        await Client.JoinAsync("hf_dev_mallory", "demo-org", other.ModelName, PeerKeys.New());

        // dave is used by no other test of this class: a global ban would shut him out of all of them.
        await Client.JoinAsync("hf_dev_dave", "demo-org", other.ModelName, PeerKeys.New());
        await api.BanAsync(null, "dave", "spam");
        var global = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_dave", "demo-org", other.ModelName, PeerKeys.New()));
        Assert.Equal("dave is banned from every experiment: spam", global.Detail);
    }

    [Fact]
    public async Task UnknownExperimentIs404NativeAnd401Reference()
    {
        var native = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_bob", "demo-org", "no-such-model", PeerKeys.New()));
        Assert.Equal(HttpStatusCode.NotFound, native.Status);
        var reference = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinReferenceAsync("hf_dev_bob", "demo-org", "no-such-model", PeerKeys.New()));
        Assert.Equal(HttpStatusCode.Unauthorized, reference.Status);
        Assert.Contains("demo-org/no-such-model", reference.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejoinWithTheSameKeyReturnsTheSameTokenAndANewKeyGetsANewOne()
    {
        var experiment = await api.CreateExperimentAsync();
        var peerKey = PeerKeys.New();

        var first = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, peerKey);
        var again = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, peerKey);
        Assert.Equal(first.Token, again.Token);
        Assert.Equal(first.HivemindAccess, again.HivemindAccess);
        Assert.Equal(1, await api.IssuedTokenCountAsync(experiment));

        var other = await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, PeerKeys.New());
        Assert.NotEqual(first.Token, other.Token);
        Assert.Equal(2, await api.IssuedTokenCountAsync(experiment));
    }

    [Fact]
    public async Task HfOutageIs503OnBothJoinEndpoints()
    {
        var experiment = await api.CreateExperimentAsync();
        // A token the service has never seen: resolving it needs the Hub.
        var token = api.NewUser("outage").UserAccessToken;
        api.Hub.State.Mode = HubMode.Unavailable;
        try
        {
            var native = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync(token, "demo-org", experiment.ModelName, PeerKeys.New()));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, native.Status);
            var reference = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinReferenceAsync(token, "demo-org", experiment.ModelName, PeerKeys.New()));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, reference.Status);
        }
        finally
        {
            api.Hub.State.Mode = HubMode.Normal;
        }
        Assert.Equal(0, await api.IssuedTokenCountAsync(experiment));
    }
}
