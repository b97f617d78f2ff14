using System.Net;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;

namespace Moderation.Tests.Infrastructure;

public static class ContributionSetup
{
    /// <summary>An open experiment (anyone may join) and a service key for it with <paramref name="scopes"/>.</summary>
    public static async Task<(ExperimentResponse Experiment, string Url, HttpClient Aux)> OpenExperimentWithAuxAsync(
        this AuthApiFactory api, params string[] scopes)
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var key = await (await api.ClientFor("alice").PostWireAsync($"{url}/service-keys",
                new CreateServiceKeyRequest("aux", scopes.Length > 0 ? scopes : ["contributions:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        return (experiment, url, api.ClientWithToken(key.Secret));
    }

    /// <summary><paramref name="username"/> joins with a new peer key; answers the peer's token and key fingerprint.</summary>
    public static async Task<JoinResponse> JoinAsync(this AuthApiFactory api, string url, string username) =>
        await (await api.ClientFor(username).PostWireAsync($"{url}/join", new JoinInput(PeerKeys.New()))).ReadAsync<JoinResponse>();

    /// <summary>A report of <paramref name="samples"/> at <paramref name="rate"/> samples/s, at <paramref name="time"/>.</summary>
    public static ContributionReport Report(string peer, long step, long samples, double rate, DateTimeOffset time) =>
        new(peer, step, samples, rate, 1, 2.5, time.ToUnixTimeMilliseconds() / 1000.0);

    /// <summary>One report per peer per step, a minute apart, ending a minute ago; each peer at its rate.</summary>
    public static List<ContributionReport> Steps(IReadOnlyDictionary<string, double> rates, int steps, DateTimeOffset? end = null, int firstStep = 1)
    {
        var last = end ?? DateTimeOffset.UtcNow.AddMinutes(-1);
        var reports = new List<ContributionReport>();
        for (var s = 0; s < steps; s++)
        {
            var time = last.AddMinutes(s - steps + 1);
            reports.AddRange(rates.Select(p => Report(p.Key, firstStep + s, (long)(p.Value * 60), p.Value, time)));
        }
        return reports;
    }

    public static async Task<ContributionBatchResponse> SendAsync(this HttpClient reporter, string url, IReadOnlyList<ContributionReport> reports) =>
        await (await reporter.PostWireAsync($"{url}/contributions", new ContributionBatch(reports))).ReadAsync<ContributionBatchResponse>();

    /// <summary>Runs the leaderboard job now (as a moderator) and reads a window.</summary>
    public static async Task<LeaderboardResponse> LeaderboardAsync(this AuthApiFactory api, string url, string window = "all")
    {
        await (await api.ClientFor("alice").PostAsync($"{url}/leaderboard/refresh", null)).ReadAsync<LeaderboardRefreshResponse>();
        return await (await api.CreateClient().GetAsync($"{url}/leaderboard?window={window}")).ReadAsync<LeaderboardResponse>();
    }
}
