using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Client;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Moderation.Tests.Replicas;

/// <summary>
/// Two replicas of each app behind HAProxy and two AuthApi workers, as <c>REPLICAS=2 WORKERS=2 deploy/run-local.sh</c> runs
/// them: sign-in and pages on either replica, bans on every replica's list within a second, jobs once and only in the
/// workers, migration once, and the faults (<c>ReplicaTests.Faults.cs</c>) — a serving replica killed with requests in
/// flight and a worker killed mid-job, PostgreSQL restarted — survived without losing an acknowledged write. Steps run in
/// order (the last ones kill).
/// </summary>
[Collection(ReplicaSystem.Collection)]
[TestCaseOrderer(StepOrderer.Name, StepOrderer.Assembly)]
public sealed partial class ReplicaTests(ReplicaSystem system, ITestOutputHelper output)
{
    private static string? _model;

    [Fact, Step(Order = 1)]
    public void EveryProcessStartedAtOnceMigratedTheEmptyDatabaseOnceAndTheWorkersInstalledHangfiresSchemaOnce()
    {
        foreach (var (services, context) in new[] { (ReplicaSystem.AuthApiServices, "ModerationDb"), (["moderator-ui-1", "moderator-ui-2"], "UiDb") })
        {
            var applied = services.Select(s => Regex.Match(system.Log(s), $@"{context}: applied (\d+) migrations").Groups[1].Value).ToList();
            Assert.Single(applied, a => a is not ("0" or ""));
            Assert.Equal(services.Length - 1, applied.Count(a => a == "0"));
        }
        var hangfire = ReplicaSystem.AuthApiServices.Select(s => Regex.Match(system.Log(s), @"Hangfire schema: version (\w+) before, (\w+) now").Groups)
            .Select(g => (Before: g[1].Value, After: g[2].Value)).ToList();
        // The serving replicas leave it to the workers: they never touch Hangfire.
        Assert.All(hangfire.Take(2), v => Assert.Equal(("", ""), v));
        var workers = hangfire.Skip(2).ToList();
        Assert.Single(workers, v => v.Before == "none" && v.After != "none");
        Assert.Single(workers, v => v.Before == v.After && v.After != "none");
        Assert.All(ReplicaSystem.AuthApiServices, s => Assert.DoesNotContain("install/upgrade", system.Log(s), StringComparison.Ordinal));
        Assert.All(ReplicaSystem.AuthApiServices[..2], s => Assert.DoesNotContain("Hangfire", system.Log(s), StringComparison.Ordinal));
    }

    [Fact, Step(Order = 2)]
    public async Task ABanThroughOneReplicaIsOnEveryReplicasRevocationListWithinASecond()
    {
        var model = await ModelAsync();
        // A ban names an account on the list only while it holds a live token: mallory joins first.
        using (var anonymous = Client(system.ApiReplicaUrl(1), null))
        {
            await new ModerationClient(anonymous).JoinAsync("hf_dev_mallory", "demo-org", model, PeerKeys.New());
        }
        // Both replicas have built the list before the ban.
        foreach (var i in new[] { 1, 2 })
        {
            Assert.DoesNotContain("mallory", await BannedAsync(system.ApiReplicaUrl(i), model));
        }
        using var replica1 = Client(system.ApiReplicaUrl(1), "alice");
        Assert.Equal(HttpStatusCode.Created, (await replica1.PostWireAsync($"/api/v1/experiments/demo-org/{model}/bans", new CreateBanRequest("mallory", "spam"))).StatusCode);
        var clock = Stopwatch.StartNew(); // from the moment the ban was acknowledged
        var seen = new Dictionary<int, TimeSpan>();
        // For each replica, when the last read that still lacked the ban was sent: a read sent later than a second after the
        // ban is answered later still, so it must have the ban; how long answers take on a loaded machine does not matter.
        var lastMissSent = new Dictionary<int, TimeSpan>();
        while (seen.Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            foreach (var i in new[] { 1, 2 }.Where(i => !seen.ContainsKey(i)))
            {
                var sent = clock.Elapsed;
                if ((await BannedAsync(system.ApiReplicaUrl(i), model)).Contains("mallory"))
                {
                    seen[i] = clock.Elapsed;
                }
                else
                {
                    lastMissSent[i] = sent;
                }
            }
            await Task.Delay(50);
        }
        var lastMiss = lastMissSent.GetValueOrDefault(2); // zero when replica 2's first read had the ban
        output.WriteLine($"ban on replica 1's list after {seen.GetValueOrDefault(1).TotalMilliseconds:F0} ms, on replica 2's after " +
            $"{seen.GetValueOrDefault(2).TotalMilliseconds:F0} ms; the last read without it was sent to replica 2 at {lastMiss.TotalMilliseconds:F0} ms");
        Assert.Equal(2, seen.Count);
        // Replica 2 rechecks the version at most once a second, before answering.
        Assert.True(lastMiss < TimeSpan.FromSeconds(1), $"replica 2 still lacked the ban in a read sent {lastMiss} after it");

        // A replica that sat idle: its first read a second after a ban elsewhere has it (it rechecks before answering).
        using (var anonymous = Client(system.ApiReplicaUrl(1), null))
        {
            await new ModerationClient(anonymous).JoinAsync("hf_dev_bob", "demo-org", model, PeerKeys.New());
        }
        Assert.Equal(HttpStatusCode.Created, (await replica1.PostWireAsync($"/api/v1/experiments/demo-org/{model}/bans", new CreateBanRequest("bob", "spam"))).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Contains("bob", await BannedAsync(system.ApiReplicaUrl(2), model));
    }

    [Fact, Step(Order = 3)]
    public async Task SignInThroughTheBalancerThenEveryPageWorksWhicheverReplicaAnswers()
    {
        var model = await ModelAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = system.UiUrl });
        // Generous: six processes, PostgreSQL and Chromium on two cores.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = "alice", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("alice", new() { Timeout = 60_000 });

        var servedBy = new List<string>();
        var experiment = $"/experiments/demo-org/{model}";
        string[] paths = ["/", experiment, $"{experiment}/requests", $"{experiment}/allowlist", $"{experiment}/bans", $"{experiment}/peers",
            $"{experiment}/checkpoints", $"{experiment}/contributions", $"{experiment}/audit", $"{experiment}/service-keys"];
        foreach (var path in paths.Concat(paths))
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            servedBy.Add((await response.HeaderValueAsync("x-served-by"))!);
            await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("alice");
        }
        var jobs = await page.GotoAsync("/jobs");
        Assert.Equal(200, jobs!.Status);
        output.WriteLine("pages served by: " + string.Join(" ", servedBy));
        Assert.Contains("ui1", servedBy);
        Assert.Contains("ui2", servedBy);
    }

    [Fact, Step(Order = 5)]
    public async Task RecurringJobsRunOncePerScheduleAcrossWorkersAndARollbackTakenByAServingReplicaRunsOnce()
    {
        var model = await ModelAsync();
        using var alice = Client(system.ApiUrl, "alice");
        var url = $"/api/v1/experiments/demo-org/{model}";
        var key = await (await alice.PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("aux", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        using var aux = Client(system.ApiUrl, null, key.Secret);
        var ids = new List<long>();
        foreach (var step in new[] { 100, 200 })
        {
            ids.Add((await (await aux.PostWireAsync($"{url}/checkpoints", new RegisterCheckpointRequest(step, $"demo-org/{model}",
                CheckpointSetup.Revision(step), 1.0, DateTimeOffset.UtcNow.AddMinutes(-5)))).ReadAsync<CheckpointResponse>(HttpStatusCode.Created)).Id);
        }
        using (var hub = new HttpClient { BaseAddress = new Uri(system.HubUrl) })
        {
            // The commits exist on the Hub (the checkpoint store checks before it moves a branch).
            foreach (var step in new[] { 100, 200 })
            {
                (await hub.PostAsync($"/_emulator/repos/demo-org/{model}/revisions/{CheckpointSetup.Revision(step)}", null)).EnsureSuccessStatusCode();
            }
        }
        var before = await BranchCreationsAsync();
        var rollback = await (await alice.PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[0], "diverged")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await (await alice.GetAsync($"{url}/rollbacks/{rollback.Id}")).ReadAsync<RollbackResponse>()).Status != "succeeded")
        {
            Assert.True(DateTime.UtcNow < deadline, "the rollback did not finish within a minute");
            await Task.Delay(250);
        }
        await Task.Delay(TimeSpan.FromSeconds(8)); // a few more runs of the 3-second schedules, on both workers

        Assert.Equal(before + 1, await BranchCreationsAsync());
        Assert.Equal(1, await system.QueryAsync<long>(
            $"SELECT count(*) FROM audit_entries WHERE action = 'rollback.succeeded' AND experiment = 'demo-org/{model}'"));
        // Each occurrence of a recurring job was enqueued once, and each job ran once.
        Assert.True(await system.QueryAsync<long>(
            "SELECT count(*) FROM hangfire.jobparameter WHERE name = 'RecurringJobId' AND value LIKE '%lift-expired-bans%'") >= 3);
        Assert.Equal(0, await system.QueryAsync<long>("""
            SELECT count(*) FROM (SELECT r.value, t.value FROM hangfire.jobparameter r
              JOIN hangfire.jobparameter t ON t.jobid = r.jobid AND t.name = 'Time'
             WHERE r.name = 'RecurringJobId' GROUP BY r.value, t.value HAVING count(*) > 1) twice
            """));
        Assert.Equal(0, await system.QueryAsync<long>(
            "SELECT count(*) FROM (SELECT jobid FROM hangfire.state WHERE name = 'Succeeded' GROUP BY jobid HAVING count(*) > 1) twice"));
        // Hangfire's servers are the workers' (three each, one per queue), and none is a serving replica's.
        var servers = await system.QueryAsync<string>("SELECT string_agg(DISTINCT split_part(id, ':', 2), ' ' ORDER BY split_part(id, ':', 2)) FROM hangfire.server");
        Assert.Equal(string.Join(' ', new[] { "auth-worker-1", "auth-worker-2" }.Select(w => system.Pid(w).ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)), servers);
    }

    private async Task AssertAllStoredAsync(List<JoinLoad.Answer> acknowledged)
    {
        Assert.NotEmpty(acknowledged);
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(DISTINCT hivemind_signature) FROM issued_tokens WHERE hivemind_signature = ANY(@signatures)", connection);
        command.Parameters.AddWithValue("signatures", acknowledged.Select(a => a.Signature!).Distinct().ToArray());
        Assert.Equal(acknowledged.Select(a => a.Signature).Distinct().Count(), (int)(long)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>The join load's users: many, so that no one reaches the cap on live peer keys per user.</summary>
    private async Task<IReadOnlyList<string>> LoadUsersAsync() => _loadUsers ??= await JoinLoad.AddUsersAsync(system.HubUrl, 40);

    private IReadOnlyList<string>? _loadUsers;

    private async Task<string> ModelAsync()
    {
        if (_model is null)
        {
            using var alice = Client(system.ApiUrl, "alice");
            // Freshly started processes on a loaded machine may miss the first Hub lookup's deadline, or answer after the
            // client gave up: a client retries a 503 or a timeout, and a 409 means an earlier attempt went through.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (_model is null)
            {
                try
                {
                    var created = await alice.PostWireAsync("/api/v1/experiments",
                        new CreateExperimentRequest("demo-org", "replicas", AccessPolicy: AccessPolicy.Open));
                    if (created.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict)
                    {
                        // The join load's fresh keys: room for every one of them.
                        var opened = await alice.PatchWireAsync("/api/v1/experiments/demo-org/replicas",
                            new UpdateExperimentRequest(AccessPolicy: AccessPolicy.Open, MaxPeerKeysPerUser: ExperimentLimits.MaxMaxPeerKeysPerUser));
                        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
                        _model = "replicas";
                    }
                    else
                    {
                        Assert.Equal(HttpStatusCode.ServiceUnavailable, created.StatusCode);
                        await Task.Delay(created.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                    }
                }
                catch (Exception ex) when (ex is TaskCanceledException or HttpRequestException && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(1000);
                }
                Assert.True(DateTime.UtcNow < deadline, "the experiment could not be created within two minutes");
            }
        }
        return _model;
    }

    private static async Task<List<string>> BannedAsync(string replica, string model)
    {
        using var client = Client(replica, null);
        return await RevocationLists.BannedAsync(client, "demo-org", model);
    }

    private async Task<int> BranchCreationsAsync()
    {
        using var hub = Client(system.HubUrl, null);
        using var stats = JsonDocument.Parse(await hub.GetStringAsync("/_emulator/stats"));
        return stats.RootElement.GetProperty("branch_creations").GetInt32();
    }

    private static HttpClient Client(string baseUrl, string? user, string? token = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
        if ((token ?? (user is null ? null : "hf_dev_" + user)) is { } bearer)
        {
            client.DefaultRequestHeaders.Add("Authorization", "Bearer " + bearer);
        }
        return client;
    }
}
