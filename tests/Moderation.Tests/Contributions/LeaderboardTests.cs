using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Contributions;

public sealed class LeaderboardTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task BannedUsersAreShownButNotRanked()
    {
        var (experiment, url, aux) = await api.OpenExperimentWithAuxAsync();
        var alice = (await api.JoinAsync(url, "alice")).PeerKeyFingerprint;
        var bob = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        await aux.SendAsync(url, ContributionSetup.Steps(new Dictionary<string, double> { [alice] = 100, [bob] = 300 }, steps: 2));
        Assert.Equal("bob", (await api.LeaderboardAsync(url)).Entries[0].Username);

        await api.BanAsync(experiment, "bob", "sent NaN gradients");
        var board = await api.LeaderboardAsync(url);
        Assert.Equal((1, "alice"), (board.Entries[0].Rank, board.Entries[0].Username));
        Assert.Equal((null, "bob"), (board.Entries[1].Rank, board.Entries[1].Username));
        Assert.Contains("banned", board.Entries[1].Flags);
    }

    [Fact]
    public async Task TheMinutelyRunRebuildsOnlyLeaderboardsWhoseDataChanged()
    {
        var (experiment, url, aux) = await api.OpenExperimentWithAuxAsync();
        var bob = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        await aux.SendAsync(url, ContributionSetup.Steps(new Dictionary<string, double> { [bob] = 100 }, steps: 2));
        await api.LeaderboardAsync(url);
        var builtAt = await BuiltAtAsync(experiment.Id);

        await RunJobAsync();
        Assert.Equal(builtAt, await BuiltAtAsync(experiment.Id));

        await api.BanAsync(experiment, "bob", "spam");
        await RunJobAsync();
        Assert.NotEqual(builtAt, await BuiltAtAsync(experiment.Id));
        var board = await (await api.CreateClient().GetAsync($"{url}/leaderboard")).ReadAsync<LeaderboardResponse>();
        Assert.Contains("banned", board.Entries.Single().Flags);
    }

    /// <summary>The run the recurring job makes (not a forced rebuild).</summary>
    private async Task RunJobAsync()
    {
        await using var scope = api.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Moderation.AuthApi.Contributions.LeaderboardJob>().RunAsync(experimentToRebuild: null, default);
    }

    private Task<DateTimeOffset?> BuiltAtAsync(int experimentId) =>
        api.QueryDbAsync(db => db.LeaderboardStates.Where(s => s.ExperimentId == experimentId).Select(s => s.BuiltAt).SingleAsync());

    [Fact]
    public async Task WindowsCountOnlyTheirHours()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var peer = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        var now = DateTimeOffset.UtcNow;
        await aux.SendAsync(url, [
            ContributionSetup.Report(peer, 1, 1000, 100, now.AddDays(-10)),
            ContributionSetup.Report(peer, 2, 2000, 100, now.AddDays(-3)),
            ContributionSetup.Report(peer, 3, 4000, 100, now.AddMinutes(-5)),
        ]);
        Assert.Equal(7000, (await api.LeaderboardAsync(url, "all")).Entries.Single().CreditedSamples);
        Assert.Equal(6000, (await api.LeaderboardAsync(url, "7d")).Entries.Single().CreditedSamples);
        var day = await api.LeaderboardAsync(url, "24h");
        Assert.Equal((4000L, 1, 1), (day.Entries.Single().CreditedSamples, day.Entries.Single().ActiveHours, day.Entries.Single().Steps));
        Assert.Equal(3, (await api.LeaderboardAsync(url, "all")).Entries.Single().ActiveHours);

        var history = await (await api.CreateClient().GetAsync($"{url}/leaderboard/history?window=7d&username=bob")).ReadAsync<LeaderboardHistoryResponse>();
        Assert.Equal("hour", history.Bucket);
        Assert.Equal([2000L, 4000L], history.Points.Select(p => p.CreditedSamples));
        await (await api.CreateClient().GetAsync($"{url}/leaderboard?window=1y")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CsvHoldsTheSameRowsAsJson()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var rates = new Dictionary<string, double> { [PeerKeys.New()] = 80 };
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            rates[(await api.JoinAsync(url, user)).PeerKeyFingerprint] = 100 + user.Length;
        }
        await aux.SendAsync(url, ContributionSetup.Steps(rates, steps: 3));
        var json = await api.LeaderboardAsync(url);

        var response = await api.CreateClient().GetAsync($"{url}/leaderboard.csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rank,username,peer_key_fingerprint,credited_samples,claimed_samples,rolled_back_samples,active_hours,steps,last_seen,flags", lines[0]);
        Assert.Equal(json.Entries.Count + 1, lines.Length);
        for (var i = 0; i < json.Entries.Count; i++)
        {
            var e = json.Entries[i];
            var cells = lines[i + 1].Split(',');
            Assert.Equal(e.Rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", cells[0]);
            Assert.Equal(e.Username ?? "", cells[1]);
            Assert.Equal(e.PeerKeyFingerprint ?? "", cells[2]);
            Assert.Equal(e.CreditedSamples.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[3]);
            Assert.Equal(e.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture), cells[7]);
            Assert.Equal(e.LastSeen, DateTimeOffset.Parse(cells[8], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(string.Join(';', e.Flags), cells[9]);
        }
    }

    [Fact]
    public async Task HiddenLeaderboardsAreForModeratorsOnly()
    {
        var (experiment, url, aux) = await api.OpenExperimentWithAuxAsync();
        var peer = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        await aux.SendAsync(url, ContributionSetup.Steps(new Dictionary<string, double> { [peer] = 100 }, steps: 1));
        await api.LeaderboardAsync(url);
        var listed = await (await api.CreateClient().GetAsync("/api/v1/leaderboards")).ReadAsync<List<PublicLeaderboard>>();
        var run = Assert.Single(listed, l => l.ModelName == experiment.ModelName && l.Url == $"/leaderboard/demo-org/{experiment.ModelName}");
        // With what a volunteer choosing a run wants to know: who may join, how many are credited, when someone last was.
        Assert.Equal((AccessPolicy.Open, 1), (run.AccessPolicy, run.Contributors));
        Assert.NotNull(run.LastActivity);

        await (await api.ClientFor("alice").PatchWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}", new UpdateExperimentRequest(LeaderboardVisible: false)))
            .ReadAsync<ExperimentResponse>();
        var hidden = await api.CreateClient().GetAsync($"{url}/leaderboard");
        Assert.Contains("hidden", (await hidden.AssertProblemAsync(HttpStatusCode.NotFound)).Detail(), StringComparison.Ordinal);
        await (await api.ClientFor("carol").GetAsync($"{url}/leaderboard.csv")).AssertProblemAsync(HttpStatusCode.NotFound);
        var forModerator = await (await api.ClientFor("alice").GetAsync($"{url}/leaderboard")).ReadAsync<LeaderboardResponse>();
        Assert.Equal("bob", forModerator.Entries.Single().Username);
        listed = await (await api.CreateClient().GetAsync("/api/v1/leaderboards")).ReadAsync<List<PublicLeaderboard>>();
        Assert.DoesNotContain(listed, l => l.ModelName == experiment.ModelName);
    }

    [Fact]
    public async Task AnExperimentWithoutReportsHasAnEmptyLeaderboardAndOddQueriesAreClientErrors()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var anonymous = api.CreateClient();
        var empty = await (await anonymous.GetAsync($"{url}/leaderboard?page=1&page_size={Moderation.AuthApi.Contributions.LeaderboardEndpoints.MaxPageSize}"))
            .ReadAsync<LeaderboardResponse>();
        Assert.Equal((0, 1, Moderation.AuthApi.Contributions.LeaderboardEndpoints.MaxPageSize, null), (empty.Total, empty.Page, empty.PageSize, empty.BuiltAt));
        // Out-of-range paging is refused, never clamped or wrapped.
        await (await anonymous.GetAsync($"{url}/leaderboard?page=0")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await anonymous.GetAsync($"{url}/leaderboard?page_size=100000")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await anonymous.GetAsync($"{url}/leaderboard?page=2147483647")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(empty.Entries);
        Assert.Equal("rank,username,peer_key_fingerprint,credited_samples,claimed_samples,rolled_back_samples,active_hours,steps,last_seen,flags\r\n",
            await anonymous.GetStringAsync($"{url}/leaderboard.csv"));
        Assert.Empty((await (await anonymous.GetAsync($"{url}/leaderboard/history")).ReadAsync<LeaderboardHistoryResponse>()).Points);

        await (await anonymous.GetAsync($"{url}/leaderboard?page=abc")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await anonymous.GetAsync("/api/v1/experiments/demo-org/nothing-here/leaderboard")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await anonymous.GetAsync("/api/v1/avatars/not..valid.svg")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await api.ClientFor("alice").GetAsync($"{url}/contributions?flag=shiny")).AssertProblemAsync(HttpStatusCode.BadRequest);
        var text = await aux.PostAsync($"{url}/contributions", new StringContent("reports", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        await (await aux.PostRawAsync($"{url}/contributions", "{\"reports\":[{\"samples\":1e40}]}")).AssertProblemAsync(HttpStatusCode.BadRequest);
        var avatar = await anonymous.GetAsync("/api/v1/avatars/alice.svg");
        Assert.Equal("image/svg+xml", avatar.Content.Headers.ContentType?.MediaType);
    }
}
