using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Contributions;

public sealed class ContributionTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task ReportsAreCreditedToTheUsersTheirPeerKeysWereIssuedFor()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var alice1 = (await api.JoinAsync(url, "alice")).PeerKeyFingerprint;
        var alice2 = (await api.JoinAsync(url, "alice")).PeerKeyFingerprint;
        var bob = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        var stranger = PeerKeys.New();

        var sent = await aux.SendAsync(url, ContributionSetup.Steps(new Dictionary<string, double>
        {
            [alice1] = 100, [alice2] = 100, [bob] = 150, [stranger] = 120,
        }, steps: 3));
        Assert.Equal(new ContributionBatchResponse(12, 12, 0), sent);

        var board = await api.LeaderboardAsync(url);
        Assert.Equal(3, board.Total);
        var first = board.Entries[0];
        Assert.Equal((1, "alice", 2 * 3 * 6000L, 6, "/api/v1/avatars/alice.svg"), (first.Rank, first.Username, first.CreditedSamples, first.Steps, first.AvatarUrl));
        Assert.Equal((2, "bob", 3 * 9000L), (board.Entries[1].Rank, board.Entries[1].Username, board.Entries[1].CreditedSamples));
        var unattributed = board.Entries[2];
        Assert.Null(unattributed.Rank);
        Assert.Null(unattributed.Username);
        Assert.Equal(Contracts.Tokens.OpenSshRsaKey.Parse(stranger).Fingerprint, unattributed.PeerKeyFingerprint);
        Assert.Equal(["unattributed"], unattributed.Flags);
        Assert.Equal(3 * 7200L, unattributed.CreditedSamples);
        Assert.All(board.Entries.Take(2), e => Assert.Empty(e.Flags));
    }

    [Fact]
    public async Task ResendingABatchChangesNothing()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var peer = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        var batch = ContributionSetup.Steps(new Dictionary<string, double> { [peer] = 100 }, steps: 4);
        Assert.Equal(4, (await aux.SendAsync(url, batch)).Stored);
        var before = await api.LeaderboardAsync(url);

        Assert.Equal(new ContributionBatchResponse(4, 0, 4), await aux.SendAsync(url, batch));
        // The same step again with other figures is still the same report: the first one stands.
        var inflated = batch.Select(r => r with { Samples = r.Samples * 10 }).ToList();
        Assert.Equal(0, (await aux.SendAsync(url, inflated)).Stored);
        var after = await api.LeaderboardAsync(url);
        Assert.Equal(before.Entries.Single().CreditedSamples, after.Entries.Single().CreditedSamples);
        Assert.Equal(4 * 6000L, after.Entries.Single().CreditedSamples);
    }

    [Fact]
    public async Task APeerInflatingItsSamplesIsClippedAndFlaggedWhileHonestPeersAreCreditedInFull()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var honest = new[] { "alice", "bob", "carol" };
        var rates = new Dictionary<string, double>();
        foreach (var (user, rate) in honest.Zip(new[] { 90.0, 100, 130 }))
        {
            rates[(await api.JoinAsync(url, user)).PeerKeyFingerprint] = rate;
        }
        var liar = (await api.JoinAsync(url, "mallory")).PeerKeyFingerprint;
        rates[liar] = 100 * 100;
        await aux.SendAsync(url, ContributionSetup.Steps(rates, steps: 5));

        var board = await api.LeaderboardAsync(url);
        foreach (var (user, rate) in honest.Zip(new[] { 90.0, 100, 130 }))
        {
            var entry = board.Entries.Single(e => e.Username == user);
            Assert.Equal(entry.ClaimedSamples, entry.CreditedSamples);
            Assert.Equal((long)(rate * 60) * 5, entry.CreditedSamples);
            Assert.Empty(entry.Flags);
        }
        var mallory = board.Entries.Single(e => e.Username == "mallory");
        Assert.Equal(5 * 600_000L, mallory.ClaimedSamples);
        Assert.Contains("clipped", mallory.Flags);
        // What a typical peer did in those five minutes: the robust centre of the peers' rates, near the honest ones.
        Assert.InRange(mallory.CreditedSamples, 90 * 60 * 5, 150 * 60 * 5);
        Assert.True(mallory.CreditedSamples < board.Entries.Single(e => e.Username == "carol").CreditedSamples, "the liar out-earned the fastest honest peer");

        var clipped = await (await api.ClientFor("alice").GetAsync($"{url}/contributions?flag=clipped")).ReadAsync<Paged<ContributionReportResponse>>();
        Assert.Equal(5, clipped.Total);
        Assert.All(clipped.Items, r => Assert.Equal(("mallory", liar), (r.Username, r.PeerKeyFingerprint)));
        Assert.All(clipped.Items, r => Assert.True(r.CreditedSamples < r.Samples));
        await (await api.ClientFor("carol").GetAsync($"{url}/contributions")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task APeerCannotClaimMoreWorkThanTheTimeThisServerHasHeardFromIt()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var peer = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        // Thirty honest-looking minutes, "from last week", all sent at once: the peer is new to this server, so only
        // the first ten minutes (the head start) can be credited, whatever times the reports carry.
        var backfill = Enumerable.Range(0, 30)
            .Select(i => ContributionSetup.Report(peer, i, 6000, 100, DateTimeOffset.UtcNow.AddDays(-7).AddMinutes(i))).ToList();
        await aux.SendAsync(url, backfill);

        var bob = (await api.LeaderboardAsync(url)).Entries.Single();
        Assert.Equal((30 * 6000L, 10 * 6000L), (bob.ClaimedSamples, bob.CreditedSamples));
        Assert.Contains("clipped", bob.Flags);
    }

    [Fact]
    public async Task APeerTokenReportsOnlyForItsOwnKeyAndIsNoUser()
    {
        var (experiment, url, _) = await api.OpenExperimentWithAuxAsync();
        using var carolsPeer = await DpopPeer.Create().JoinAsync(api, url, "carol");
        var joined = carolsPeer.Joined!;
        var other = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        var peer = carolsPeer.Client(api);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);

        Assert.Equal(1, (await peer.SendAsync(url, [ContributionSetup.Report(joined.PeerKeyFingerprint, 1, 6000, 100, now)])).Stored);
        var foreign = await peer.PostWireAsync($"{url}/contributions", new ContributionBatch([
            ContributionSetup.Report(joined.PeerKeyFingerprint, 2, 6000, 100, now),
            ContributionSetup.Report(other, 2, 6000, 100, now),
        ]));
        Assert.Contains("reports[1]", (await foreign.AssertProblemAsync(HttpStatusCode.Forbidden)).Detail(), StringComparison.Ordinal);
        Assert.Equal(1, await api.QueryDbAsync(db => db.ContributionReports.CountAsync(r => r.ExperimentId == experiment.Id)));

        // A peer token is not a user and not an auxiliary peer.
        var me = await peer.GetAsync("/api/v1/me");
        Assert.Contains("peer token", (await me.AssertProblemAsync(HttpStatusCode.Forbidden)).Detail(), StringComparison.Ordinal);
        var checkpoint = new RegisterCheckpointRequest(10, $"demo-org/{experiment.ModelName}", new string('a', 40), 2.0, now);
        await (await peer.PostWireAsync($"{url}/checkpoints", checkpoint)).AssertProblemAsync(HttpStatusCode.Forbidden);
        // A participant's HF token may not report either.
        await (await api.ClientFor("carol").PostWireAsync($"{url}/contributions", new ContributionBatch([
            ContributionSetup.Report(joined.PeerKeyFingerprint, 3, 6000, 100, now)]))).AssertProblemAsync(HttpStatusCode.Forbidden);

        // Its token is good for its own experiment only, and not once revoked.
        var elsewhere = await api.OpenExperimentWithAuxAsync();
        await (await peer.PostWireAsync($"{elsewhere.Url}/contributions", new ContributionBatch([
            ContributionSetup.Report(joined.PeerKeyFingerprint, 1, 6000, 100, now)]))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientFor("alice").PostAsync($"{url}/peers/{joined.PeerKeyFingerprint}/revoke", JsonContent("{\"reason\":\"test\"}")))
            .ReadAsync<object>();
        var revoked = await peer.PostWireAsync($"{url}/contributions", new ContributionBatch([
            ContributionSetup.Report(joined.PeerKeyFingerprint, 4, 6000, 100, now)]));
        Assert.Contains("revoked", (await revoked.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadBatchesAreRefusedWholeNamingTheReport()
    {
        var (experiment, url, aux) = await api.OpenExperimentWithAuxAsync();
        var peer = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        var good = ContributionSetup.Steps(new Dictionary<string, double> { [peer] = 100 }, steps: 4);

        var negative = good.Select((r, i) => i == 2 ? r with { Samples = -5 } : r).ToList();
        var problem = await (await aux.PostWireAsync($"{url}/contributions", new ContributionBatch(negative))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reports[2].samples", out _), problem.ToString());
        Assert.Contains("reports[2].samples", problem.Detail(), StringComparison.Ordinal);

        var future = good.Select((r, i) => i == 3 ? r with { Time = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds() } : r).ToList();
        problem = await (await aux.PostWireAsync($"{url}/contributions", new ContributionBatch(future))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("reports[3].time", problem.Detail(), StringComparison.Ordinal);
        Assert.Contains("future", problem.Detail(), StringComparison.Ordinal);

        var badKey = good.Select((r, i) => i == 1 ? r with { PeerPublicKey = "ssh-rsa AAAAnope" } : r).ToList();
        problem = await (await aux.PostWireAsync($"{url}/contributions", new ContributionBatch(badKey))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("reports[1].peer_public_key", problem.Detail(), StringComparison.Ordinal);

        var tooMany = Enumerable.Range(0, 1001).Select(i => ContributionSetup.Report(peer, i, 10, 1, DateTimeOffset.UtcNow.AddMinutes(-1))).ToList();
        problem = await (await aux.PostWireAsync($"{url}/contributions", new ContributionBatch(tooMany))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("at most 1000", problem.Detail(), StringComparison.Ordinal);

        await (await aux.PostRawAsync($"{url}/contributions", "{\"reports\":[null]}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await aux.PostRawAsync($"{url}/contributions", "{\"reports\":[{\"step\":\"x\"}]}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await aux.PostRawAsync($"{url}/contributions", "{}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        var huge = "{\"reports\":[" + string.Join(',', Enumerable.Repeat("{\"peer_public_key\":\"" + new string('A', 1000) + "\"}", 1200)) + "]}";
        await (await aux.PostRawAsync($"{url}/contributions", huge)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await (await aux.PostWireAsync("/api/v1/experiments/demo-org/no-such-model/contributions", new ContributionBatch(good)))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        // A key for checkpoints only may not report contributions.
        var (_, otherUrl, checkpointsOnly) = await api.OpenExperimentWithAuxAsync("checkpoints:write");
        await (await checkpointsOnly.PostWireAsync($"{otherUrl}/contributions", new ContributionBatch(good))).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(0, await api.QueryDbAsync(db => db.ContributionReports.CountAsync(r => r.ExperimentId == experiment.Id)));
    }

    private static StringContent JsonContent(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
