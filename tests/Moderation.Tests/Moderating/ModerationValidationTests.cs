using System.Net;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Moderating;

/// <summary>Bad moderation input is a clear 4xx and changes nothing.</summary>
public sealed class ModerationValidationTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Theory]
    [InlineData("""{"username":"nobody-here","reason":"x"}""", 422, "no Hugging Face user")]
    [InlineData("""{"username":"bob"}""", 400, "reason")]
    [InlineData("""{"username":"bob","reason":""}""", 400, "reason")]
    [InlineData("""{"username":"bad..name","reason":"x"}""", 400, "username")]
    [InlineData("""{"username":"bob","reason":"x","expires_at":"tomorrow"}""", 400, "not valid JSON")]
    [InlineData("""{"username":"bob","reason":"x","expires_at":"2001-01-01T00:00:00Z"}""", 400, "future")]
    public async Task BadBansAreRefusedAndNothingChanges(string body, int status, string mentions)
    {
        var experiment = await api.CreateExperimentAsync();
        var response = await api.ClientFor("alice").PostRawAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/bans", body);
        var problem = await response.AssertProblemAsync((HttpStatusCode)status);
        Assert.Contains(mentions, problem.Detail(), StringComparison.Ordinal);
        Assert.Equal(0, await api.QueryDbAsync(db => db.Bans.CountAsync(b => b.ExperimentId == experiment.Id)));
    }

    [Fact]
    public async Task OverLongReasonIsRefused()
    {
        var experiment = await api.CreateExperimentAsync();
        var response = await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/bans",
            new CreateBanRequest("bob", new string('x', ModerationLimits.MaxReasonLength + 1)));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task DuplicateBanIsAConflictAndKeepsTheFirst()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/bans";
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PostWireAsync(url, new CreateBanRequest("bob", "first"))).StatusCode);
        var again = await api.ClientFor("alice").PostWireAsync(url, new CreateBanRequest("bob", "second"));
        Assert.Contains("already banned", (await again.AssertProblemAsync(HttpStatusCode.Conflict)).Detail(), StringComparison.Ordinal);
        var bans = await api.QueryDbAsync(db => db.Bans.Where(b => b.ExperimentId == experiment.Id).ToListAsync());
        Assert.Equal("first", Assert.Single(bans).Reason);
        await (await api.ClientFor("alice").DeleteAsync($"{url}/carol")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AllowlistAddSearchPageRemove()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/allowlist";
        var added = await (await api.ClientFor("alice").PutAsync($"{url}/carol", null)).ReadAsync<AllowlistEntryResponse>(HttpStatusCode.Created);
        Assert.Equal("alice", added.AddedBy);
        var withReason = await api.ClientFor("alice").PutAsync($"{url}/mallory",
            new StringContent("""{"reason":"trusted lab"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal("trusted lab", (await withReason.ReadAsync<AllowlistEntryResponse>(HttpStatusCode.Created)).Reason);
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor("alice").PutAsync($"{url}/carol", null)).StatusCode);
        await (await api.ClientFor("alice").PutAsync($"{url}/nobody-here", null)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await api.ClientFor("alice").PutAsync($"{url}/bad..name", null)).AssertProblemAsync(HttpStatusCode.BadRequest);

        var search = await (await api.ClientFor("alice").GetAsync($"{url}?q=MALL")).ReadAsync<Paged<AllowlistEntryResponse>>();
        Assert.Equal("mallory", Assert.Single(search.Items).Username);
        var page = await (await api.ClientFor("alice").GetAsync($"{url}?page=2&page_size=1")).ReadAsync<Paged<AllowlistEntryResponse>>();
        Assert.Equal(2, page.Total);
        Assert.Equal("mallory", Assert.Single(page.Items).Username);

        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync($"{url}/carol")).StatusCode);
        await (await api.ClientFor("alice").DeleteAsync($"{url}/carol")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BulkImportReportsEveryLine()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/allowlist";
        await api.ClientFor("alice").PutAsync($"{url}/carol", null);

        var report = await (await api.ClientFor("alice").PostWireAsync($"{url}/import",
                new AllowlistImportRequest("bob\r\ncarol\n\n# a comment\nnot a name!\nDave\nbob\nvolunteer-7\n" + new string('z', 300), "cohort 2")))
            .ReadAsync<AllowlistImportResponse>();
        Assert.Equal(2, report.Added);
        Assert.Equal(2, report.AlreadyPresent);
        Assert.Equal(2, report.Invalid);
        Assert.Equal(1, report.UnknownUsers);
        Assert.Equal([(1, ImportOutcome.Added), (2, ImportOutcome.AlreadyPresent), (5, ImportOutcome.InvalidName), (6, ImportOutcome.Added),
                (7, ImportOutcome.AlreadyPresent), (8, ImportOutcome.UnknownUser), (9, ImportOutcome.InvalidName)],
            report.Lines.Select(l => (l.Line, l.Outcome)).ToArray());
        var all = await (await api.ClientFor("alice").GetAsync(url)).ReadAsync<Paged<AllowlistEntryResponse>>();
        // Names the Hub knows are stored in its spelling, whatever the case typed.
        Assert.Equal(["bob", "carol", "dave"], all.Items.Select(i => i.Username).ToArray());

        await (await api.ClientFor("alice").PostWireAsync($"{url}/import", new AllowlistImportRequest(""))).AssertProblemAsync(HttpStatusCode.BadRequest);
        var tooMany = string.Join('\n', Enumerable.Range(0, ModerationLimits.MaxImportLines + 1).Select(i => $"user{i}"));
        await (await api.ClientFor("alice").PostWireAsync($"{url}/import", new AllowlistImportRequest(tooMany))).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"message":null}""", 201)]
    [InlineData("""{"message":"x"}""", 201)]
    public async Task ParticipantsAskOnceAndUpdateTheirMessage(string body, int status)
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/join-requests";
        Assert.Equal((HttpStatusCode)status, (await api.ClientFor("mallory").PostRawAsync(url, body)).StatusCode);
        var again = await api.ClientFor("mallory").PostWireAsync(url, new CreateJoinRequestRequest("updated"));
        Assert.Equal("updated", (await again.ReadAsync<JoinRequestResponse>()).Message);
        await (await api.ClientFor("mallory").PostWireAsync(url, new CreateJoinRequestRequest(new string('m', 2000)))).AssertProblemAsync(HttpStatusCode.BadRequest);
        // Already admitted (org member): nothing to ask.
        await (await api.ClientFor("bob").PostWireAsync(url, new CreateJoinRequestRequest("hi"))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await api.QueryDbAsync(db => db.JoinRequests.CountAsync(r => r.ExperimentId == experiment.Id)));
        await (await api.ClientFor("alice").GetAsync($"{url}?status=bogus")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
