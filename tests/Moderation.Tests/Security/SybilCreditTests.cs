using System.Net;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>
/// Many keys, many times the credit? An account's fresh keys share one head start: twenty new keys each sending one
/// honest-rate report (valid DPoP proofs) earn what one new peer earns, and the burst shows on the moderators' peer list.
/// </summary>
public sealed class SybilCreditTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task TwentyFreshKeysOfOneAccountAreCreditedNoMoreThanOneFreshPeer()
    {
        var (_, url, _) = await api.OpenExperimentWithAuxAsync();
        var honest = api.NewUser("honest");
        var sybil = api.NewUser("sybil");
        var time = DateTimeOffset.UtcNow.AddMinutes(-1);
        // 10 samples/s for 600 s: a whole interval of work, what a peer may claim before its first report.
        var report = (string key) => ContributionSetup.Report(key, 1, 6_000, 10, time);

        using (var peer = await DpopPeer.Create().JoinAsync(api, url, honest.Name))
        {
            Assert.Equal(1, (await peer.Client(api).SendAsync(url, [report(peer.Joined!.PeerKeyFingerprint)])).Stored);
        }
        var keys = new List<DpopPeer>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                keys.Add(await DpopPeer.Create().JoinAsync(api, url, sybil.Name));
            }
            foreach (var key in keys)
            {
                Assert.Equal(1, (await key.Client(api).SendAsync(url, [report(key.Joined!.PeerKeyFingerprint)])).Stored);
            }
        }
        finally
        {
            keys.ForEach(k => k.Dispose());
        }

        var board = await api.LeaderboardAsync(url);
        var one = board.Entries.Single(e => e.Username == honest.Name);
        var many = board.Entries.Single(e => e.Username == sybil.Name);
        Assert.Equal(6_000, one.CreditedSamples);
        Assert.Equal(120_000, many.ClaimedSamples);
        // One head start for the account, and the seconds it refilled while the reports came in (a few at most).
        Assert.InRange(many.CreditedSamples, 6_000, 6_000 + 10 * 60);
        Assert.Contains(ContributionFlags.Clipped, many.Flags);
        Assert.DoesNotContain(ContributionFlags.Clipped, one.Flags);

        // Moderators see the burst: each of the twenty keys is marked, the honest peer's is not; the cut reports are flagged.
        var peers = await (await api.ClientFor("alice").GetAsync($"{url}/peers")).ReadAsync<List<PeerResponse>>();
        Assert.All(peers.Where(p => p.Username == sybil.Name), p => Assert.Equal((true, 20), (p.KeyBurst, p.KeysWithinHour)));
        Assert.False(peers.Single(p => p.Username == honest.Name).KeyBurst);
        var clipped = await (await api.ClientFor("alice").GetAsync($"{url}/contributions?flag=clipped&username={sybil.Name}&page_size=50"))
            .ReadAsync<Paged<ContributionReportResponse>>();
        Assert.InRange(clipped.Total, 19, 20);
    }
}
