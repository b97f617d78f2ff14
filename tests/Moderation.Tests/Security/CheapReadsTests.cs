using System.Net;
using Moderation.AuthApi.Contributions;
using Moderation.Contracts.Contributions;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Security;

/// <summary>Anonymous reads stay cheap whatever a client adds to them, and exports are safe to open in a spreadsheet.</summary>
public sealed class CheapReadsTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task QueryParametersAnEndpointDoesNotReadDoNotBypassTheOutputCache()
    {
        var (_, url, _) = await api.OpenExperimentWithAuxAsync();
        var anonymous = api.CreateClient();
        Assert.Null((await anonymous.GetAsync($"{url}/leaderboard?window=7d")).Headers.Age);

        var junk = await anonymous.GetAsync($"{url}/leaderboard?window=7d&x={Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.OK, junk.StatusCode);
        Assert.NotNull(junk.Headers.Age); // served from the cache, not from PostgreSQL
        Assert.Null((await anonymous.GetAsync($"{url}/leaderboard?window=24h")).Headers.Age); // a parameter it reads still varies
    }

    [Fact]
    public async Task TheCurrentCheckpointIsSignedOncePerChangeNotPerRequest()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(1, 2);
        var url = $"/api/v1/experiments/demo-org/{name}/checkpoints/current";
        var first = await (await api.CreateClient().GetAsync(url)).Content.ReadAsStringAsync();
        await Task.Delay(1100); // past the one-second check, so the document is looked up again, and found unchanged
        var again = await api.CreateClient().GetAsync(url);
        Assert.Equal(first, await again.Content.ReadAsStringAsync());
        var notModified = new HttpRequestMessage(HttpMethod.Get, url);
        notModified.Headers.IfNoneMatch.Add(again.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await api.CreateClient().SendAsync(notModified)).StatusCode);
        Assert.True(ids.Count == 2);
    }

    [Theory]
    [InlineData("=cmd|'/c calc'!A1", "'=cmd|'/c calc'!A1")]
    [InlineData("+1", "'+1")]
    [InlineData("-AbCd", "'-AbCd")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("alice", "alice")]
    [InlineData(null, "")]
    public void CsvCellsThatASpreadsheetWouldRunAreDefused(string? text, string cell) => Assert.Equal(cell, LeaderboardCsv.Cell(text));

    [Fact]
    public async Task AnUnattributedKeyWhoseFingerprintStartsWithADashIsDefusedInTheCsv()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var dashed = "-" + new string('A', 42);
        await aux.SendAsync(url, [Infrastructure.ContributionSetup.Report(dashed, 1, 100, 10, DateTimeOffset.UtcNow.AddMinutes(-1))]);
        await api.LeaderboardAsync(url);
        var csv = await api.CreateClient().GetStringAsync($"{url}/leaderboard.csv");
        Assert.Contains(",'" + dashed + ",", csv, StringComparison.Ordinal);
        Assert.Equal(LeaderboardCsv.Header, csv.Split("\r\n")[0]);
    }
}
