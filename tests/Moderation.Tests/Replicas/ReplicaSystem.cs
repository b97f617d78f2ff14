using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Moderation.Tests.Infrastructure;

/// <summary>
/// The whole system as <c>REPLICAS=2 WORKERS=2 deploy/run-local.sh</c> runs it: PostgreSQL, the Hub emulator, two serving
/// AuthApi replicas and two ModeratorUi processes behind HAProxy, and two AuthApi workers (two, so that one can be killed
/// mid-job and the other seen to take over), on free loopback ports, with data in a throwaway folder. Background jobs run
/// every few seconds here so that schedules can be watched.
/// </summary>
public sealed class ReplicaSystem : IAsyncLifetime
{
    public const string Collection = "replicas";

    private readonly StringBuilder _output = new();
    private Process? _script;

    public int ApiPort { get; private set; }
    public int UiPort { get; private set; }
    public int HubPort { get; private set; }
    public int PgPort { get; private set; }
    public int WorkerPort { get; private set; }
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "moderation-e2e-" + Guid.NewGuid().ToString("N")[..10]);
    public string ApiUrl => $"http://127.0.0.1:{ApiPort}";
    public string UiUrl => $"http://127.0.0.1:{UiPort}";
    public string HubUrl => $"http://127.0.0.1:{HubPort}";
    public string ConnectionString => $"Host=127.0.0.1;Port={PgPort};Database=moderation;Username=moderation;Pooling=false;Timeout=5";

    /// <summary>AuthApi replica <paramref name="i"/> directly, not through the balancer.</summary>
    public string ApiReplicaUrl(int i) => $"http://127.0.0.1:{ApiPort + i}";

    public async Task InitializeAsync()
    {
        (ApiPort, UiPort, HubPort, PgPort, WorkerPort) = (FreeRange(3), FreeRange(3), FreeRange(1), FreeRange(1), FreeRange(2));
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "deploy/run-local.sh")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot,
        };
        var env = new Dictionary<string, string>
        {
            ["REPLICAS"] = "2", ["WORKERS"] = "2", ["WORKER_PORT"] = $"{WorkerPort}", ["API_PORT"] = $"{ApiPort}", ["UI_PORT"] = $"{UiPort}", ["HUB_PORT"] = $"{HubPort}", ["PG_PORT"] = $"{PgPort}",
            ["MODERATION_DATA_DIR"] = DataDir, ["MODERATION_SKIP_BUILD"] = "1",
            ["Hangfire__BanExpiryCron"] = "*/3 * * * * *", ["Contributions__LeaderboardCron"] = "*/3 * * * * *",
            ["Hangfire__SchedulePollingIntervalSeconds"] = "1",
            // A scheduler's lock left by the worker the suite kills is taken over after 10 s (30 s by default).
            ["Hangfire__DistributedLockTimeoutSeconds"] = "10",
            ["Checkpoints__Store"] = "hub", ["Checkpoints__HubToken"] = "hf_dev_alice",
            // The join load comes from one address as a few users, far faster than people join; the rate limits have
            // their own tests (Security/RateLimitTests, HubLookupLimitTests) and stay off here.
            ["RateLimits__JoinsPerMinute"] = "0", ["RateLimits__WritesPerMinute"] = "0", ["RateLimits__AnonymousReadsPerMinute"] = "0",
            ["RateLimits__UnknownTokenLookupsPerMinute"] = "0",
        };
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }
        _script = Process.Start(start)!;
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _script.OutputDataReceived += (_, e) => Record(e.Data, running);
        _script.ErrorDataReceived += (_, e) => Record(e.Data, running);
        _script.BeginOutputReadLine();
        _script.BeginErrorReadLine();
        var exited = _script.WaitForExitAsync();
        var first = await Task.WhenAny(running.Task, exited, Task.Delay(TimeSpan.FromMinutes(4)));
        if (first != running.Task)
        {
            throw new InvalidOperationException("deploy/run-local.sh did not come up:\n" + Output);
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Log(string service) => File.ReadAllText(Path.Combine(DataDir, "logs", service + ".log"));

    public int Pid(string service) => int.Parse(File.ReadAllText(Path.Combine(DataDir, "run", service + ".pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Kills <paramref name="service"/> with SIGKILL: no clean-up of any kind, as a crash or an OOM kill.</summary>
    public void Kill(string service) =>
        Process.Start("kill", ["-KILL", Pid(service).ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>The AuthApi processes: the serving replicas, then the workers.</summary>
    public static readonly string[] AuthApiServices = ["auth-api-1", "auth-api-2", "auth-worker-1", "auth-worker-2"];

    /// <summary>
    /// The AuthApi process (<c>auth-api-1</c>, <c>auth-worker-1</c>, …) whose TCP connection leaves from local port <paramref name="port"/> (a
    /// PostgreSQL session's <c>client_port</c>), or null: the socket's inode from /proc/net, then the process holding it.
    /// </summary>
    public string? AuthApiOwningPort(int port)
    {
        var inodes = new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && int.Parse(f[1].Split(':')[1], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) == port)
            .Select(f => $"socket:[{f[9]}]").ToHashSet();
        foreach (var service in AuthApiServices)
        {
            var fds = new DirectoryInfo($"/proc/{Pid(service)}/fd");
            if (fds.Exists && fds.EnumerateFileSystemInfos().Any(fd => fd.LinkTarget is { } target && inodes.Contains(target)))
            {
                return service;
            }
        }
        return null;
    }

    /// <summary>HAProxy's view of a server: UP, DOWN, …</summary>
    public async Task<string> BalancerStatusAsync(string backend, string server)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(DataDir, "run", "haproxy.sock")));
        await socket.SendAsync(Encoding.ASCII.GetBytes("show stat\n"));
        using var stream = new NetworkStream(socket);
        var csv = await new StreamReader(stream).ReadToEndAsync();
        var row = csv.Split('\n').Select(l => l.Split(',')).First(f => f.Length > 17 && f[0] == backend && f[1] == server);
        return row[17];
    }

    public Task RestartPostgresAsync(string mode) =>
        PostgresCluster.RunToolAsync("pg_ctl", "-D", Path.Combine(DataDir, "pg"), "-m", mode, "-w", "-t", "60", "restart");

    public async Task<T> QueryAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        if (_script is { HasExited: false })
        {
            // run-local.sh stops what it started (PostgreSQL included) on TERM.
            Process.Start("kill", ["-TERM", _script.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _script.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _script.Kill(entireProcessTree: true);
            }
        }
        _script?.Dispose();
        if (Environment.GetEnvironmentVariable("MODERATION_KEEP_E2E") == "1")
        {
            return; // logs kept for a look (deploy/test.sh removes the folder at its end)
        }
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // PostgreSQL may still be removing its files; deploy/test.sh sweeps leftovers.
        }
    }

    private void Record(string? line, TaskCompletionSource running)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (line.StartsWith("Moderation is running", StringComparison.Ordinal))
        {
            running.TrySetResult();
        }
    }

    private static readonly int EphemeralPortsStart = File.Exists("/proc/sys/net/ipv4/ip_local_port_range")
        ? int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0])
        : 32_768;

    /// <summary>A port p with p…p+count-1 all free on loopback.</summary>
    private static int FreeRange(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            // Below the kernel's ephemeral range: the other tests running beside this suite bind port 0 and open
            // connections there, and would take a port between this check and run-local.sh's bind.
            var port = Random.Shared.Next(10_000, EphemeralPortsStart - count);
            if (Enumerable.Range(port, count).All(IsFree))
            {
                return port;
            }
        }
        throw new InvalidOperationException("No free port range found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Moderation.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Moderation.sln not found above the test binaries.");
        }
        return dir;
    }
}

[CollectionDefinition(ReplicaSystem.Collection)]
public sealed class ReplicaTestGroup : ICollectionFixture<ReplicaSystem>;
