using System.Net;
using System.Text;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Fuzz;

[CollectionDefinition(Name)]
public sealed class FuzzGroup : ICollectionFixture<FuzzTarget>
{
    public const string Name = "fuzz";
}

/// <summary>The bad inputs the fuzzing found, each pinned down: what it is answered now, and that it changed nothing.</summary>
[Collection(FuzzGroup.Name)]
public sealed class BadInputTests(FuzzTarget target)
{
    private string Url => $"/api/v1/experiments/{target.Context.Org}/{target.Context.Model}";

    [Fact]
    public async Task JwtWithCnfAndNoAudienceIsRefusedWhereACallerIsNeededAndIgnoredElsewhere()
    {
        var health = await SendAsync("GET", "/healthz", FuzzCaller.JwtWithCnfNoAud);
        Assert.Equal(200, health.Status);
        foreach (var caller in new[] { FuzzCaller.JwtWithCnfNoAud, FuzzCaller.JwtWithCnfNoAudAsDpop, FuzzCaller.ForgedExpiredPeerToken })
        {
            Problem(await SendAsync("GET", "/api/v1/me", caller), 401);
            Problem(await SendAsync("POST", $"{Url}/contributions", caller, "{\"reports\":[]}"), 401);
        }
    }

    [Fact]
    public async Task EveryPagedListRefusesPagesOutOfReachOrOutOfRange()
    {
        var paged = target.Document.All.Where(o => o.Query.Any(p => p.Name == "page")).ToList();
        Assert.True(paged.Count >= 5, $"only {paged.Count} paged lists in the document");
        foreach (var operation in paged)
        {
            var caller = target.Context.Authorized[operation.Id][0];
            var path = operation.PathTemplate.Replace("{org}", target.Context.Org).Replace("{model}", target.Context.Model);
            foreach (var query in new[] { "page=2147483647", "page=1073741825&page_size=4", "page=0", "page=-1", "page=2147483648",
                         "page=1&page_size=0", "page=1&page_size=-1", "page=1&page_size=2147483647", "page=1e3" })
            {
                var problem = Problem(await SendAsync("GET", $"{path}?{query}", caller), 400);
                Assert.Contains("page", problem.Body, StringComparison.Ordinal);
            }
            // The last page in reach is empty, and says which page it is (it once wrapped around to page 1).
            var last = await SendAsync("GET", $"{path}?page=2147483647&page_size=1", caller);
            Assert.True(last.Status == 200 && last.Body.Contains("\"page\":2147483647", StringComparison.Ordinal), $"{operation}: {last.Status} {last.Body}");
        }
    }

    [Fact]
    public async Task NulControlCharactersAndLoneSurrogatesInJsonAreRefusedBeforeTheDatabase()
    {
        foreach (var name in new[] { "\\u0000", "key\\u0000", "a\\u0001b", "\\u001b[31m", "\\ud800", "x\\udfff", "\\u0085" })
        {
            var body = $"{{\"name\":\"{name}\",\"scopes\":[\"contributions:write\"]}}";
            var answer = await UnchangedAsync(() => SendAsync("POST", $"{Url}/service-keys", FuzzCaller.Owner, body));
            Assert.Contains("'$.name'", Problem(answer, 400).Body, StringComparison.Ordinal);
        }
        // Tab and line breaks are text: an import is one name per line.
        var import = await SendAsync("POST", $"{Url}/allowlist/import", FuzzCaller.Owner, "{\"usernames\":\"bob\\r\\ncarol\\t\",\"reason\":\"a\\tb\"}");
        Assert.Equal(200, import.Status);
    }

    [Fact]
    public async Task NulAndControlCharactersAndBrokenUtf8InTheQueryAreRefusedBeforeTheDatabase()
    {
        foreach (var query in new[] { "actor=%00", "target=a%00b", "action=%01", "actor=%ED%A0%80", "actor=%FF", "x%00=1" })
        {
            var answer = await UnchangedAsync(() => SendAsync("GET", $"{Url}/audit?{query}", FuzzCaller.Owner));
            Assert.Equal("Bad query string", System.Text.Json.JsonDocument.Parse(Problem(answer, 400).Body).RootElement.GetProperty("title").GetString());
        }
        Assert.Equal(200, (await SendAsync("GET", $"{Url}/allowlist?q=b%C3%B6b+%E6%97%A5", FuzzCaller.Owner)).Status);
    }

    [Fact]
    public async Task NulInThePathIsRefusedByKestrelBeforeTheApplicationRuns()
    {
        // Kestrel decodes the path and refuses a decoded NUL itself (400, empty body, connection closed): no middleware,
        // so no ProblemDetails, can answer it. A NUL in the query reaches the application and gets one (above).
        var answer = await SendAsync("GET", $"{Url}/allowlist/bob%00", FuzzCaller.Owner);
        Assert.Equal(new FuzzResponse(400, null, "", true), answer);
        Assert.True(FuzzOracle.KestrelRefusal(Request("GET", $"{Url}/allowlist/bob%00", FuzzCaller.Owner, null), answer));
    }

    [Fact]
    public async Task RequestLinesAndHeadersOverKestrelsLimitsAreRefusedByKestrel()
    {
        // Kestrel checks its own limits (request line 8 KB, all headers 32 KB) while parsing, before the application
        // exists for the request: a bare 414/431 without ProblemDetails. The fuzz suite stays below them.
        var longTarget = await SendAsync("GET", "/api/v1/experiments/" + new string('a', 9000), FuzzCaller.Anonymous);
        Assert.Equal((414, ""), (longTarget.Status, longTarget.Body));
        var server = target.Api.ClientOptions.BaseAddress;
        var longHeaders = await RawHttp.SendAsync(server, "GET", "/healthz", [("X-Padding", new string('p', 40_000))], [], false);
        Assert.Equal((431, ""), (longHeaders.Status, longHeaders.Body));
    }

    [Fact]
    public async Task IntrospectionOfAHivemindAccessWithMissingOrNullFieldsIsA400NamingThem()
    {
        var access = target.Context.PeerHivemindAccess;
        string[] fields = ["username", "peer_public_key", "expiration_time", "signature"];
        foreach (var missing in fields)
        {
            var present = fields.Where(f => f != missing).Select(f => $"\"{f}\":\"{Field(access, f)}\"");
            foreach (var value in new[] { "", $",\"{missing}\":null" })
            {
                var body = $"{{\"hivemind_access\":{{{string.Join(',', present)}{value}}},\"organization_name\":\"{target.Context.Org}\",\"model_name\":\"{target.Context.Model}\"}}";
                var problem = Problem(await SendAsync("POST", "/api/v1/tokens/introspect", FuzzCaller.Anonymous, body), 400);
                Assert.Contains($"hivemind_access.{missing}", problem.Body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task ContributionReportsNeedMiniStepsAndALossWithinBounds()
    {
        var time = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        string Report(string rest) =>
            $"{{\"reports\":[{{\"peer_public_key\":\"{target.Context.PeerFingerprint}\",\"step\":{Random.Shared.Next(1, 1 << 30)},\"samples\":10,\"samples_per_second\":1.0,\"time\":{time}{rest}}}]}}";
        foreach (var (rest, field) in new[]
                 {
                     (",\"loss\":2.5", "mini_steps"), (",\"mini_steps\":null,\"loss\":2.5", "mini_steps"), (",\"mini_steps\":-1,\"loss\":2.5", "mini_steps"),
                     (",\"mini_steps\":2147483647,\"loss\":2.5", "mini_steps"), (",\"mini_steps\":1", "loss"), (",\"mini_steps\":1,\"loss\":null", "loss"),
                     (",\"mini_steps\":1,\"loss\":-1", "loss"), (",\"mini_steps\":1,\"loss\":1e308", "loss"), (",\"mini_steps\":1,\"loss\":-0.001", "loss"),
                 })
        {
            var answer = await UnchangedAsync(() => SendAsync("POST", $"{Url}/contributions", FuzzCaller.ServiceKey, Report(rest)));
            Assert.Contains($"reports[0].{field}", Problem(answer, 400).Body, StringComparison.Ordinal);
        }
        Assert.Equal(200, (await SendAsync("POST", $"{Url}/contributions", FuzzCaller.ServiceKey, Report(",\"mini_steps\":4,\"loss\":0"))).Status);
    }

    [Fact]
    public async Task PatchThatChangesNothingWritesNothing()
    {
        var current = await SendAsync("GET", Url, FuzzCaller.Owner);
        var experiment = System.Text.Json.JsonDocument.Parse(current.Body).RootElement;
        var same = $"{{\"coordinator_port\":{experiment.GetProperty("coordinator_port")},\"access_policy\":\"{experiment.GetProperty("access_policy").GetString()}\"," +
                   $"\"leaderboard_visible\":{(experiment.GetProperty("leaderboard_visible").GetBoolean() ? "true" : "false")}}}";
        foreach (var body in new[] { "{}", "{\"coordinator_ip\":null,\"coordinator_port\":null}", same })
        {
            var answer = await UnchangedAsync(() => SendAsync("PATCH", Url, FuzzCaller.Owner, body));
            Assert.True(answer.Status == 200, $"{body} → {answer.Status} {answer.Body}");
            Assert.Equal(experiment.GetProperty("updated_at").GetString(),
                System.Text.Json.JsonDocument.Parse(answer.Body).RootElement.GetProperty("updated_at").GetString());
        }
    }

    [Fact]
    public async Task NamesAndRevisionsEndingInALineFeedAreRefusedAndChangeNothing()
    {
        // A .NET regex's $ also matches before a final line feed: these passed validation, then failed with a 500 (the
        // experiment already stored) or reached PostgreSQL (a 41-character revision in a 40-character column).
        foreach (var body in new[]
                 {
                     $"{{\"organization_name\":\"{target.Context.Org}\",\"model_name\":\"lf-model\\n\"}}",
                     $"{{\"organization_name\":\"{target.Context.Org}\\n\",\"model_name\":\"lf-model\"}}",
                 })
        {
            var answer = await UnchangedAsync(() => SendAsync("POST", "/api/v1/experiments", FuzzCaller.Owner, body));
            Assert.Contains("_name", Problem(answer, 400).Body, StringComparison.Ordinal);
        }
        var reference = await UnchangedAsync(() => SendAsync("POST", "/api/experiments/", FuzzCaller.Owner,
            $"{{\"new_experiment\":{{\"organization_name\":\"{target.Context.Org}\",\"model_name\":\"lf-model\\n\"}}}}"));
        Assert.Equal(422, reference.Status);
        var revision = new string('a', 40) + "\\n";
        var checkpoint = await UnchangedAsync(() => SendAsync("POST", $"{Url}/checkpoints", FuzzCaller.ServiceKey,
            $"{{\"step\":7,\"repository\":\"{target.Context.Org}/{target.Context.Model}\",\"revision\":\"{revision}\",\"created_at\":\"2026-01-01T00:00:00Z\"}}"));
        Assert.Contains("revision", Problem(checkpoint, 400).Body, StringComparison.Ordinal);
        Problem(await UnchangedAsync(() => SendAsync("PUT", $"{Url}/allowlist/bob%0a", FuzzCaller.Owner)), 400);
    }

    [Fact]
    public async Task NumbersSentAsStringsAreRefusedNamingTheField()
    {
        var time = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        var peer = target.Context.PeerFingerprint;
        foreach (var (method, path, caller, body, field) in new[]
                 {
                     ("POST", $"{Url}/contributions", FuzzCaller.ServiceKey,
                         $"{{\"reports\":[{{\"peer_public_key\":\"{peer}\",\"step\":9,\"samples\":\"100\",\"samples_per_second\":1.0,\"mini_steps\":1,\"loss\":1,\"time\":{time}}}]}}",
                         "$.reports[0].samples"),
                     ("POST", $"{Url}/contributions", FuzzCaller.ServiceKey,
                         $"{{\"reports\":[{{\"peer_public_key\":\"{peer}\",\"step\":\"12\",\"samples\":100,\"samples_per_second\":1.0,\"mini_steps\":1,\"loss\":1,\"time\":{time}}}]}}",
                         "$.reports[0].step"),
                     ("POST", $"{Url}/checkpoints", FuzzCaller.ServiceKey,
                         $"{{\"step\":\"12\",\"repository\":\"{target.Context.Org}/{target.Context.Model}\",\"revision\":\"{new string('b', 40)}\",\"created_at\":\"2026-01-01T00:00:00Z\"}}",
                         "$.step"),
                     ("PATCH", Url, FuzzCaller.Owner, "{\"token_lifetime_minutes\":\"60\"}", "$.token_lifetime_minutes"),
                     ("POST", $"{Url}/rollbacks", FuzzCaller.Owner, "{\"checkpoint_id\":\"1\",\"reason\":\"r\"}", "$.checkpoint_id"),
                 })
        {
            var answer = await UnchangedAsync(() => SendAsync(method, path, caller, body));
            Assert.Contains($"'{field}'", Problem(answer, 400).Body, StringComparison.Ordinal);
        }
    }

    private static string Field(Contracts.Tokens.HivemindAccess access, string name) => name switch
    {
        "username" => access.Username,
        "peer_public_key" => access.PeerPublicKey,
        "expiration_time" => access.ExpirationTime,
        _ => access.Signature,
    };

    private static FuzzRequest Request(string method, string path, FuzzCaller caller, string? body) =>
        new(new ApiOperation(method, path, "test", [], null), method, path, caller, body is null ? null : "application/json",
            body is null ? null : Encoding.UTF8.GetBytes(body), false, "test");

    private Task<FuzzResponse> SendAsync(string method, string path, FuzzCaller caller, string? body = null) =>
        target.SendAsync(Request(method, path, caller, body));

    /// <summary>Sends, and asserts the database (every table, the audit chain's tip) is as it was.</summary>
    private async Task<FuzzResponse> UnchangedAsync(Func<Task<FuzzResponse>> send)
    {
        var before = await target.Snapshots.TakeAsync();
        var answer = await send();
        Assert.Null(DatabaseSnapshots.Difference(before, await target.Snapshots.TakeAsync()));
        return answer;
    }

    private static FuzzResponse Problem(FuzzResponse answer, int status)
    {
        Assert.True(answer.Status == status, $"Expected {status}, got {answer.Status}: {answer.Body}");
        Assert.Null(FuzzOracle.Check(new FuzzRequest(new ApiOperation("GET", "/", "test", [], null), "GET", "/", FuzzCaller.Anonymous, null, null, false, ""), answer));
        return answer;
    }
}
