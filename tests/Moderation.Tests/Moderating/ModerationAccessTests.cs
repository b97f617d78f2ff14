using System.Net;
using System.Text;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Moderating;

/// <summary>Moderators of one experiment see nothing of another; participants get 403 on every moderator endpoint.</summary>
public sealed class ModerationAccessTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    public static TheoryData<string, string> ModeratorEndpoints() => new()
    {
        { "GET", "join-requests" },
        { "POST", "join-requests/1/approve" },
        { "POST", "join-requests/1/reject" },
        { "GET", "allowlist" },
        { "PUT", "allowlist/bob" },
        { "DELETE", "allowlist/bob" },
        { "POST", "allowlist/import" },
        { "GET", "bans" },
        { "POST", "bans" },
        { "DELETE", "bans/bob" },
        { "GET", "peers" },
        { "POST", "peers/abc/revoke" },
        { "GET", "audit" },
        { "GET", "moderators" },
    };

    [Theory]
    [MemberData(nameof(ModeratorEndpoints))]
    public async Task ModeratorOfAnotherExperimentAndParticipantsAreForbidden(string method, string path)
    {
        var mine = await api.CreateExperimentAsync();
        var theirs = await api.CreateExperimentAsync();
        Assert.Equal(HttpStatusCode.Created,
            (await api.ClientFor("alice").PutAsync($"/api/v1/experiments/demo-org/{mine.ModelName}/moderators/carol", null)).StatusCode);
        var before = await api.QueryDbAsync(db => Task.FromResult(db.AuditEntries.Count()));

        foreach (var user in new[] { "carol", "bob", "mallory" })
        {
            var response = await Send(user, method, $"/api/v1/experiments/demo-org/{theirs.ModelName}/{path}");
            var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
            Assert.Contains($"demo-org/{theirs.ModelName}", problem.Detail(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await api.QueryDbAsync(db => Task.FromResult(db.AuditEntries.Count())));
    }

    [Fact]
    public async Task OnlyGlobalAdminsVerifyTheAuditChainAndManageGlobalBans()
    {
        await (await api.ClientFor("alice").GetAsync("/api/v1/audit/verify")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientFor("alice").GetAsync("/api/v1/bans")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientFor("alice").DeleteAsync("/api/v1/bans/bob")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor("root").GetAsync("/api/v1/audit/verify")).StatusCode);
    }

    private Task<HttpResponseMessage> Send(string user, string method, string url)
    {
        var body = method == "POST" && url.EndsWith("/bans", StringComparison.Ordinal) ? """{"username":"bob","reason":"x"}"""
            : url.EndsWith("import", StringComparison.Ordinal) ? """{"usernames":"bob"}"""
            : url.EndsWith("revoke", StringComparison.Ordinal) || url.EndsWith("reject", StringComparison.Ordinal) ? """{"reason":"x"}"""
            : null;
        // Not disposed here: the in-memory test server ties the response body to the request.
        var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };
        return api.ClientFor(user).SendAsync(request);
    }
}
