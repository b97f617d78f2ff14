using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Bans;
using Moderation.Contracts.Client;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;
using Moderation.Contracts.Moderation;
using Moderation.Contracts.Tokens;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Moderating;

public sealed class ModerationFlowTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private ModerationClient Client => new(api.CreateClient());

    [Fact]
    public async Task RefusedJoinIsScreenedApprovedBannedRevokedAndUnbanned()
    {
        var experiment = await api.CreateExperimentAsync();
        var name = experiment.ModelName;
        var url = $"/api/v1/experiments/demo-org/{name}";
        await GrantModeratorAsync(name, "carol");
        var peerKey = PeerKeys.New();

        // Refused, and recorded once however often the peer retries.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var refused = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_mallory", "demo-org", name, peerKey));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            Assert.EndsWith("a join request was recorded for its moderators.", refused.Detail, StringComparison.Ordinal);
        }
        await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinReferenceAsync("hf_dev_mallory", "demo-org", name, peerKey));
        var queue = await (await api.ClientFor("carol").GetAsync($"{url}/join-requests")).ReadAsync<List<JoinRequestResponse>>();
        var request = Assert.Single(queue);
        Assert.Equal("mallory", request.Username);
        Assert.Equal("Mallory Mischief", request.Fullname);
        Assert.False(request.EmailVerified);
        Assert.Equal("pending", request.Status);
        Assert.Equal("pending", (await (await api.ClientFor("mallory").GetAsync($"{url}/membership")).ReadAsync<MembershipResponse>()).Status);

        // Approved: she joins.
        var approved = await (await api.ClientFor("carol").PostWireAsync($"{url}/join-requests/{request.Id}/approve", new DecideJoinRequestRequest("looks fine")))
            .ReadAsync<JoinRequestResponse>();
        Assert.Equal("approved", approved.Status);
        Assert.Equal("carol", approved.DecidedBy);
        Assert.Equal("admitted", (await (await api.ClientFor("mallory").GetAsync($"{url}/membership")).ReadAsync<MembershipResponse>()).Status);
        var joined = await Client.JoinAsync("hf_dev_mallory", "demo-org", name, peerKey);

        // Banned: the next join is refused with the reason; her token is on the signed revocation list.
        var ban = await (await api.ClientFor("carol").PostWireAsync($"{url}/bans", new CreateBanRequest("mallory", "poisoned gradients", "step 1200 loss spike")))
            .ReadAsync<BanResponse>(HttpStatusCode.Created);
        Assert.Equal(1, ban.TokensRevoked);
        Assert.True(ban.InForce);
        var refusedAgain = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_mallory", "demo-org", name, peerKey));
        Assert.Equal($"mallory is banned from demo-org/{name}: poisoned gradients", refusedAgain.Detail);

        using var keys = ExperimentKeySet.FromJwks(await Client.GetJwksAsync("demo-org", name));
        var verifier = new PeerTokenVerifier(keys, $"demo-org/{name}", AuthApiFactory.Issuer);
        Assert.True((await verifier.VerifyJwtAsync(joined.Token)).IsValid);
        await using (var poller = new RevocationListPoller(api.CreateClient(), "demo-org", name, keys, verifier))
        {
            Assert.True(await poller.RefreshAsync());
            Assert.Null(poller.LastError);
        }
        var list = verifier.Revocations!;
        Assert.Contains("mallory", list.BannedUsernames);
        // A ban is one entry: the name covers every token of hers, none is listed on its own.
        Assert.Empty(list.RevokedTokenIds);
        Assert.Contains("banned", (await verifier.VerifyJwtAsync(joined.Token)).Reason, StringComparison.Ordinal);
        Assert.False(verifier.VerifyHivemindAccess(joined.HivemindAccess).IsValid);
        Assert.Equal("banned", (await (await api.ClientFor("mallory").GetAsync($"{url}/membership")).ReadAsync<MembershipResponse>()).Status);

        // Unbanned: she joins again with a fresh token (the revoked one stays revoked).
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("carol").DeleteAsync($"{url}/bans/mallory")).StatusCode);
        var rejoined = await Client.JoinAsync("hf_dev_mallory", "demo-org", name, peerKey);
        Assert.NotEqual(joined.Token, rejoined.Token);

        var audit = await (await api.ClientFor("carol").GetAsync($"{url}/audit?page_size=200")).ReadAsync<Paged<AuditEntryResponse>>();
        Assert.Equal(["ban.lifted", "ban.created", "join_request.approved", "moderator.granted", "experiment.created"],
            audit.Items.Select(a => a.Action).ToArray());
        Assert.Equal("poisoned gradients", audit.Items[1].Reason);
        Assert.Equal("carol", audit.Items[1].Actor);
        var verification = await (await api.ClientFor("root").GetAsync("/api/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
        Assert.True(verification.Valid, verification.Problem);
    }

    [Fact]
    public async Task RejectedRequestIsShownWithItsReasonAndNotReopenedByRetries()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var asked = await api.ClientFor("carol").PostWireAsync($"{url}/join-requests", new CreateJoinRequestRequest("I have a spare A100"));
        var request = await asked.ReadAsync<JoinRequestResponse>(HttpStatusCode.Created);
        Assert.Equal("I have a spare A100", request.Message);

        await (await api.ClientFor("alice").PostWireAsync($"{url}/join-requests/{request.Id}/reject", new DecideJoinRequestRequest(null)))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        var rejected = await (await api.ClientFor("alice").PostWireAsync($"{url}/join-requests/{request.Id}/reject", new DecideJoinRequestRequest("not this round")))
            .ReadAsync<JoinRequestResponse>();
        Assert.Equal("rejected", rejected.Status);
        await (await api.ClientFor("alice").PostWireAsync($"{url}/join-requests/{request.Id}/approve", new DecideJoinRequestRequest(null)))
            .AssertProblemAsync(HttpStatusCode.Conflict);

        var membership = await (await api.ClientFor("carol").GetAsync($"{url}/membership")).ReadAsync<MembershipResponse>();
        Assert.Equal("rejected", membership.Status);
        Assert.Equal("not this round", membership.Reason);
        var refused = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_carol", "demo-org", experiment.ModelName, PeerKeys.New()));
        Assert.Contains("rejected (not this round)", refused.Detail, StringComparison.Ordinal);
        Assert.Empty(await (await api.ClientFor("alice").GetAsync($"{url}/join-requests")).ReadAsync<List<JoinRequestResponse>>());
    }

    [Fact]
    public async Task GlobalBansApplyToEveryExperimentAndOnlyGlobalAdminsMakeThem()
    {
        var first = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var second = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        await (await api.ClientFor("alice").PostWireAsync("/api/v1/bans", new CreateBanRequest("dave", "spam"))).AssertProblemAsync(HttpStatusCode.Forbidden);

        var ban = await (await api.ClientFor("root").PostWireAsync("/api/v1/bans", new CreateBanRequest("dave", "spam everywhere")))
            .ReadAsync<BanResponse>(HttpStatusCode.Created);
        Assert.Null(ban.Experiment);
        foreach (var experiment in new[] { first, second })
        {
            var refused = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_dave", "demo-org", experiment.ModelName, PeerKeys.New()));
            Assert.Equal("dave is banned from every experiment: spam everywhere", refused.Detail);
        }
        var listed = await (await api.ClientFor("alice").GetAsync($"/api/v1/experiments/demo-org/{first.ModelName}/bans")).ReadAsync<List<BanResponse>>();
        Assert.Contains(listed, b => b.Username == "dave" && b.Experiment is null);

        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("root").DeleteAsync("/api/v1/bans/dave")).StatusCode);
        await Client.JoinAsync("hf_dev_dave", "demo-org", first.ModelName, PeerKeys.New());
    }

    [Fact]
    public async Task RevokedPeerIsRefusedButItsOwnerIsNotBanned()
    {
        var experiment = await api.CreateExperimentAsync();
        var name = experiment.ModelName;
        var url = $"/api/v1/experiments/demo-org/{name}";
        var badKey = PeerKeys.New();
        var token = await Client.JoinAsync("hf_dev_bob", "demo-org", name, badKey);

        var peers = await (await api.ClientFor("alice").GetAsync($"{url}/peers")).ReadAsync<List<PeerResponse>>();
        var peer = Assert.Single(peers);
        Assert.Equal(token.PeerKeyFingerprint, peer.PeerKeyFingerprint);
        Assert.Null(peer.RevokedAt);

        var revoked = await (await api.ClientFor("alice").PostWireAsync($"{url}/peers/{peer.PeerKeyFingerprint}/revoke", new RevokePeerRequest("leaked key")))
            .ReadAsync<RevokePeerResponse>();
        Assert.Equal(1, revoked.TokensRevoked);
        var refused = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_bob", "demo-org", name, badKey));
        Assert.Contains("was revoked", refused.Detail, StringComparison.Ordinal);
        await Client.JoinAsync("hf_dev_bob", "demo-org", name, PeerKeys.New());

        var jws = await api.CreateClient().GetStringAsync($"{url}/revocations");
        using var keys = ExperimentKeySet.FromJwks(await Client.GetJwksAsync("demo-org", name));
        var (list, error) = await RevocationList.VerifyAsync(jws, keys, $"demo-org/{name}");
        Assert.NotNull(list);
        Assert.Null(error);
        Assert.Contains(token.PeerKeyFingerprint, list!.RevokedPeerKeys);
        Assert.DoesNotContain("bob", list.BannedUsernames);
        Assert.False((await Client.IntrospectAsync(new IntrospectionRequest(Token: token.Token))).Active);

        await (await api.ClientFor("alice").PostWireAsync($"{url}/peers/not-a-peer/revoke", new RevokePeerRequest("x"))).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RevocationListIsSignedVersionedAndCacheable()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/revocations";
        var client = api.CreateClient();
        var first = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/jose", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), first.Headers.CacheControl?.MaxAge);
        using var keys = ExperimentKeySet.FromJwks(await Client.GetJwksAsync("demo-org", experiment.ModelName));
        var before = (await RevocationList.VerifyAsync(await first.Content.ReadAsStringAsync(), keys, $"demo-org/{experiment.ModelName}")).List!;

        using (var conditional = new HttpRequestMessage(HttpMethod.Get, url))
        {
            conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(conditional)).StatusCode);
        }

        await (await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/bans", new CreateBanRequest("mallory", "spam")))
            .ReadAsync<BanResponse>(HttpStatusCode.Created);
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, url))
        {
            conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
            var changed = await client.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            var after = (await RevocationList.VerifyAsync(await changed.Content.ReadAsStringAsync(), keys, $"demo-org/{experiment.ModelName}")).List!;
            Assert.True(after.Version > before.Version);
            // She never joined: no token of hers to refuse, and her name is not listed (it may be someone else's tomorrow).
            Assert.DoesNotContain("mallory", after.BannedUsernames);
        }

        var otherKeys = ExperimentKeySet.FromJwks(await Client.GetJwksAsync("demo-org", (await api.CreateExperimentAsync()).ModelName));
        var (forOther, error) = await RevocationList.VerifyAsync(await first.Content.ReadAsStringAsync(), otherKeys, $"demo-org/{experiment.ModelName}");
        Assert.Null(forOther);
        Assert.NotNull(error);
        await (await client.GetAsync("/api/v1/experiments/demo-org/nope/revocations")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ConcurrentBanAndApproveOfOneUserEndConsistent()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var request = await (await api.ClientFor("carol").PostWireAsync($"{url}/join-requests", new CreateJoinRequestRequest("hi")))
            .ReadAsync<JoinRequestResponse>(HttpStatusCode.Created);

        var approve = api.ClientFor("alice").PostWireAsync($"{url}/join-requests/{request.Id}/approve", new DecideJoinRequestRequest(null));
        var ban = api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest("carol", "sockpuppet"));
        var responses = await Task.WhenAll(approve, ban);

        Assert.Equal(HttpStatusCode.Created, responses[1].StatusCode);
        Assert.True(responses[0].StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, responses[0].StatusCode.ToString());
        // Whatever the order, carol is banned and cannot join; the request was decided at most once.
        var refused = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_carol", "demo-org", experiment.ModelName, PeerKeys.New()));
        Assert.Contains("banned", refused.Detail, StringComparison.Ordinal);
        var stored = await api.QueryDbAsync(db => db.JoinRequests.SingleAsync(r => r.Id == request.Id));
        Assert.Equal(responses[0].StatusCode == HttpStatusCode.OK, stored.Status == global::Moderation.AuthApi.Data.JoinRequestStatus.Approved);
    }

    private async Task GrantModeratorAsync(string model, string username) =>
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PutAsync($"/api/v1/experiments/demo-org/{model}/moderators/{username}", null)).StatusCode);
}
