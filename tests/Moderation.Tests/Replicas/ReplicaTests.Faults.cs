using System.Diagnostics;
using System.Net;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;
using Npgsql;

namespace Moderation.Tests.Replicas;

/// <summary>
/// The replica suite's faults: a serving replica killed with requests in flight and a worker killed mid-job, PostgreSQL
/// restarted under load.
/// </summary>
public sealed partial class ReplicaTests
{
    /// <summary>The worker step 6 killed, when (by the database's clock), and the ban-expiry job it had claimed.</summary>
    private static (string Service, DateTime At, long Job)? _killed;

    [Fact, Step(Order = 6)]
    public async Task AReplicaKilledWithJoinsInFlightAndAWorkerKilledMidJobCostNoClientErrorAndTheOtherWorkerLiftsTheDueBanAtOnce()
    {
        var model = await ModelAsync();
        using var alice = Client(system.ApiUrl, "alice");
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        Assert.Equal(HttpStatusCode.Created, (await alice.PostWireAsync($"/api/v1/experiments/demo-org/{model}/bans",
            new CreateBanRequest("carol", "cooling off", ExpiresAt: expiresAt))).StatusCode);
        var load = new JoinLoad(system.ApiUrl, model, await LoadUsersAsync(), splitBodies: true);

        await using var hold = new NpgsqlConnection(system.ConnectionString);
        await hold.OpenAsync();
        // The ban-expiry job's write (the revocation version) waits on this row...
        await ExecuteAsync(hold, "BEGIN; SELECT version FROM revocation_states FOR UPDATE");
        var victim = await WaitForLockWaiterAsync("revocation_states");
        Assert.StartsWith("auth-worker-", victim, StringComparison.Ordinal);
        var job = await system.QueryAsync<long>($"""
            SELECT j.id FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid
             WHERE j.statename = 'Processing' AND j.invocationdata->>'Type' LIKE '%BanExpiryJob%'
               AND split_part(s.data->>'ServerId', ':', 2) = '{system.Pid(victim)}'
            """);
        // ...and joins wait in flight on both serving replicas, behind their group commit.
        load.Start();
        await ExecuteAsync(hold, "LOCK TABLE issued_tokens IN EXCLUSIVE MODE");
        await WaitForLockWaiterAsync("issued_tokens|peer-keys", "auth-api-1");

        system.Kill(victim);
        system.Kill("auth-api-1");
        var clock = Stopwatch.StartNew();
        var markedDown = MarkedDownAsync("api1", clock);
        _killed = (victim, (DateTime)(await ScalarAsync("SELECT now()"))!, job);
        await ExecuteAsync(hold, "COMMIT");
        TimeSpan? lifted = null;
        // At the next run on the other worker: 3 s schedule, and 10 s more if the killed one held the schedulers' lock.
        while (lifted is null && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if ((bool)(await ScalarAsync("SELECT lifted_at IS NOT NULL FROM bans WHERE reason = 'cooling off' ORDER BY id DESC LIMIT 1"))!)
            {
                lifted = clock.Elapsed;
            }
            await Task.Delay(100);
        }
        var down = await markedDown;
        await Task.Delay(3000);
        var answers = await load.StopAsync();

        var statuses = string.Join(", ", answers.GroupBy(a => a.Status).Select(g => $"{g.Key}: {g.Count()}"));
        output.WriteLine($"killed auth-api-1 with joins in flight and {victim} with its ban-expiry job {job} waiting on a row lock; "
            + $"the due ban lifted by the other worker {lifted?.TotalMilliseconds.ToString("F0") ?? "NOT within 20 000"} ms after the kill; "
            + $"replica marked down {down.TotalMilliseconds:F0} ms after the kill; answers: {statuses}");
        // The joins the killed replica took with it were sent again to the other: no 502, no connection error.
        Assert.All(answers, a => Assert.True(a.Status == 200 || (a.Status == 503 && a.RetryAfter), $"status {a.Status} after {a.Took}"));
        Assert.True(answers.Count(a => a.Status == 200) > 20, statuses);
        Assert.NotNull(lifted);
        Assert.True(down < TimeSpan.FromSeconds(5), $"marked down after {down}");
        Assert.Equal("UP", (await system.BalancerStatusAsync("authapi", "api2"))[..2]);
        await AssertAllStoredAsync(answers.Where(a => a.Status == 200).ToList());
    }

    [Fact, Step(Order = 7)]
    public async Task PostgresRestartedDuringLoadFailsFastAndComesBackWithoutLosingAnAcknowledgedJoin()
    {
        var load = new JoinLoad(system.ApiUrl, await ModelAsync(), await LoadUsersAsync());
        load.Start();
        await Task.Delay(2000);
        var restarts = new List<(string Mode, DateTimeOffset Up)>();
        foreach (var mode in new[] { "fast", "immediate" })
        {
            await system.RestartPostgresAsync(mode);
            restarts.Add((mode, DateTimeOffset.UtcNow));
            await Task.Delay(4000);
        }
        await Task.Delay(2000);
        var answers = await load.StopAsync();

        var ok = answers.Where(a => a.Status == 200).ToList();
        var statuses = string.Join(", ", answers.GroupBy(a => a.Status).Select(g => $"{g.Key}: {g.Count()}"));
        output.WriteLine($"answers: {statuses}; slowest {answers.Max(a => a.Took).TotalMilliseconds:F0} ms");
        Assert.All(answers, a => Assert.True(a.Status is 200 or 503, $"status {a.Status} after {a.Took}"));
        Assert.All(answers.Where(a => a.Status == 503), a => Assert.True(a.RetryAfter, "503 without Retry-After"));
        Assert.True(answers.Max(a => a.Took) < TimeSpan.FromSeconds(10), "a request hung");
        foreach (var (mode, up) in restarts)
        {
            var back = ok.Where(a => a.Finished > up).Min(a => (DateTimeOffset?)a.Finished) - up;
            output.WriteLine($"PostgreSQL restart ({mode}): joins answered again {back?.TotalMilliseconds:F0} ms after it was back");
            Assert.True(back < TimeSpan.FromSeconds(5), $"{mode}: back after {back}");
        }
        await AssertAllStoredAsync(ok);
    }

    [Fact, Step(Order = 8)]
    public async Task TheJobAKilledWorkerHadClaimedIsRunByTheOtherOnceItsClaimLapses()
    {
        Assert.NotNull(_killed);
        var (victim, at, job) = _killed.Value;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        DateTime? rerun;
        while ((rerun = (DateTime?)await ScalarAsync(
                   "SELECT max(createdat) FROM hangfire.state WHERE jobid = @job AND name = 'Processing' AND createdat > @at", ("job", job), ("at", at))) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {job}, claimed by the killed {victim}, was not run again within 60 s");
            await Task.Delay(250);
        }
        var after = rerun.Value - at;
        output.WriteLine($"job {job}, claimed by the killed {victim}, run again by the other {after.TotalSeconds:F1} s after the kill (Hangfire:InvisibilityTimeoutSeconds 30)");
        // The claim is renewed every fifth of the timeout, and the queue polled every second: 24–31 s (a little more while
        // the previous step restarts PostgreSQL).
        Assert.InRange(after.TotalSeconds, 23, 35);
    }

    /// <summary>When, by <paramref name="clock"/>, HAProxy marked <paramref name="backend"/> down (10 s at most).</summary>
    private async Task<TimeSpan> MarkedDownAsync(string backend, Stopwatch clock)
    {
        while (!(await system.BalancerStatusAsync("authapi", backend)).StartsWith("DOWN", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "HAProxy still sends to the killed replica");
            await Task.Delay(100);
        }
        return clock.Elapsed;
    }

    /// <summary>
    /// The AuthApi process (<paramref name="replica"/>, if given) of a session found waiting for a lock in a statement that
    /// mentions <paramref name="pattern"/> (a regular expression).
    /// </summary>
    private async Task<string> WaitForLockWaiterAsync(string pattern, string? replica = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var connection = new NpgsqlConnection(system.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT client_port FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ~* @pattern AND client_port IS NOT NULL", connection);
            command.Parameters.AddWithValue("pattern", pattern);
            var ports = new List<int>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    ports.Add(reader.GetInt32(0));
                }
            }
            if (ports.Select(system.AuthApiOwningPort).FirstOrDefault(s => s is not null && (replica is null || s == replica)) is { } owner)
            {
                return owner;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no AuthApi session waited on /{pattern}/ within 60 s");
            await Task.Delay(100);
        }
    }

    private async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteScalarAsync() is var result and not DBNull ? result : null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
