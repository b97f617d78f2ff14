using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Moderation.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster started from the machine's binaries (initdb/pg_ctl on PATH or under
/// /usr/lib/postgresql/*/bin; as root they run as the postgres user). Tests share <see cref="Shared"/>, each class in a
/// database of its own; a test that stops the server starts a cluster of its own. With MODERATION_TEST_PG set (a
/// connection string to a server whose user may create databases) the shared cluster is that server instead.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresCluster>> SharedCluster = new(StartSharedAsync);

    private readonly string? _dataDir;
    private readonly string? _binDir;
    private readonly Lazy<Task<string>> _template;

    private PostgresCluster(string adminConnectionString, string? dataDir, string? binDir, int port)
    {
        AdminConnectionString = adminConnectionString;
        _dataDir = dataDir;
        _binDir = binDir;
        Port = port;
        _template = new Lazy<Task<string>>(async () =>
        {
            var name = $"moderation_template_{Guid.NewGuid():N}"[..40];
            await MigratedTemplate.CreateAsync(AdminConnectionString, name);
            return name;
        });
    }

    public string AdminConnectionString { get; }
    public int Port { get; }

    public static Task<PostgresCluster> Shared => SharedCluster.Value;

    private static async Task<PostgresCluster> StartSharedAsync()
    {
        if (Environment.GetEnvironmentVariable("MODERATION_TEST_PG") is { Length: > 0 } external)
        {
            var server = new PostgresCluster(external, null, null, new NpgsqlConnectionStringBuilder(external).Port);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DropTemplateAsync().GetAwaiter().GetResult();
            return server;
        }
        SweepStaleClusters();
        var cluster = await StartNewAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster;
    }

    public static async Task<PostgresCluster> StartNewAsync()
    {
        var binDir = FindBinDir();
        var dataDir = Path.Combine(Path.GetTempPath(), "moderation-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDir);
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres:postgres", dataDir]);
        }
        await RunPgAsync(binDir, "initdb", ["-D", Path.Combine(dataDir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        var port = FreePort();
        var cluster = new PostgresCluster(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=10", dataDir, binDir, port);
        await cluster.StartAsync();
        return cluster;
    }

    public Task StartAsync() => RunPgAsync(_binDir!, "pg_ctl",
        ["-D", Path.Combine(_dataDir!, "data"), "-l", Path.Combine(_dataDir!, "server.log"), "-w", "-t", "60",
         "-o", $"-p {Port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500",
         "start"]);

    public Task StopAsync() => RunPgAsync(_binDir!, "pg_ctl", ["-D", Path.Combine(_dataDir!, "data"), "-m", "fast", "-w", "stop"]);

    /// <summary>A new, empty database; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix) => CreateAsync(prefix, template: null);

    /// <summary>A new database with AuthApi's schema (a copy of <see cref="MigratedTemplate"/>); returns its connection string.</summary>
    public async Task<string> CreateMigratedDatabaseAsync(string prefix) => await CreateAsync(prefix, await _template.Value);

    private async Task<string> CreateAsync(string prefix, string? template)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        var copy = template is null ? "" : $" TEMPLATE \"{template}\"";
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"{copy}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 50 }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Drops the template on a server the tests do not delete (MODERATION_TEST_PG).</summary>
    private async Task DropTemplateAsync()
    {
        if (_template is { IsValueCreated: true, Value.IsCompletedSuccessfully: true })
        {
            await DropDatabaseAsync(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = await _template.Value }.ConnectionString);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDir is null)
        {
            return;
        }
        try
        {
            await RunPgAsync(_binDir!, "pg_ctl", ["-D", Path.Combine(_dataDir, "data"), "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        Directory.Delete(_dataDir, recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// Deletes the folders of clusters from earlier runs that are no longer running: the test host can be stopped
    /// between stopping a cluster at exit and deleting its folder. (deploy/test.sh also removes them after each run.)
    /// </summary>
    private static void SweepStaleClusters()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "moderation-pg-*"))
        {
            // Only old ones: a cluster this very run is creating has no postmaster.pid yet either.
            if (!File.Exists(Path.Combine(dir, "data", "postmaster.pid"))
                && Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddMinutes(-10))
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                    // Being removed by someone else.
                }
            }
        }
    }

    private static string FindBinDir()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException(
            "PostgreSQL binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
            "Install PostgreSQL (apt-get install postgresql) or set MODERATION_TEST_PG to a connection string.");
    }

    /// <summary>Runs one of PostgreSQL's tools (pg_ctl, …) from the machine's binaries, as the postgres user when root.</summary>
    public static Task RunToolAsync(string tool, params string[] args) => RunPgAsync(FindBinDir(), tool, args);

    private static Task RunPgAsync(string binDir, string tool, IEnumerable<string> args)
    {
        var exe = Path.Combine(binDir, tool);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", exe, .. args]) : RunAsync(exe, args);
    }

    private static async Task RunAsync(string file, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
