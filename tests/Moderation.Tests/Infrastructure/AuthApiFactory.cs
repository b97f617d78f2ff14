using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moderation.AuthApi.Data;

namespace Moderation.Tests.Infrastructure;

/// <summary>
/// AuthApi in-process against a database of its own on the test PostgreSQL cluster and a Hub emulator of its own.
/// Global admin: <c>root</c> (by HF id). Hub calls have generous time limits (30 s) so a loaded machine never trips them; tests about time limits set their own.
/// </summary>
public class AuthApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly AuthApiFactory? _sharedWith;
    private PostgresCluster? _cluster;
    private bool _ownsCluster;

    public AuthApiFactory()
    {
    }

    /// <summary>A second instance of AuthApi on the same database and Hub emulator as <paramref name="sharedWith"/>.</summary>
    protected AuthApiFactory(AuthApiFactory sharedWith) => _sharedWith = sharedWith;

    /// <summary>The HF id of <c>root</c>, the tests' global admin.</summary>
    public const string RootId = "6650f0f0f0f0f0f0f0f0f0f0";

    public string ConnectionString { get; private set; } = "";
    public HubEmulatorHost Hub { get; private set; } = null!;
    public PostgresCluster Cluster => _cluster!;

    /// <summary>Whether this factory starts a cluster of its own (for tests that stop PostgreSQL).</summary>
    protected virtual bool OwnCluster => false;

    public virtual async Task InitializeAsync()
    {
        if (_sharedWith is not null)
        {
            (_cluster, ConnectionString, Hub) = (_sharedWith.Cluster, _sharedWith.ConnectionString, _sharedWith.Hub);
            return;
        }
        _ownsCluster = OwnCluster;
        _cluster = _ownsCluster ? await PostgresCluster.StartNewAsync() : await PostgresCluster.Shared;
        // A cluster of its own is migrated by the host itself: a template would only add a copy.
        ConnectionString = _ownsCluster
            ? await _cluster.CreateDatabaseAsync("moderation_test")
            : await _cluster.CreateMigratedDatabaseAsync("moderation_test");
        Hub = await HubEmulatorHost.StartAsync();
    }

    /// <summary>The origin in-process clients call (no Tokens:Issuer is set in Testing), which peer JWTs name as <c>iss</c>.</summary>
    public const string Issuer = "http://localhost";

    /// <summary>A cron expression that never comes due.</summary>
    public const string Never = "0 0 31 2 *";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Moderation", ConnectionString);
        builder.UseSetting("HuggingFace:BaseUrl", Hub.BaseUrl);
        // The console's OAuth app: its sign-ins' id_tokens make their OAuth tokens count here.
        builder.UseSetting("HuggingFace:ClientId", "moderation-ui");
        // Generous Hub time limits, so a cold host on a loaded machine never times out; tests about time limits set their own.
        builder.UseSetting("HuggingFace:TimeoutSeconds", "30");
        builder.UseSetting("HuggingFace:Client:AttemptTimeoutSeconds", "30");
        builder.UseSetting("HuggingFace:Client:TotalTimeoutSeconds", "60");
        builder.UseSetting("HuggingFace:Client:BreakerSamplingSeconds", "60");
        builder.UseSetting("HuggingFace:RetryAfterSeconds", "7");
        // Outage tests fail many Hub calls on purpose; only the breaker's own test lets it open.
        builder.UseSetting("HuggingFace:Client:BreakerMinimumCalls", "1000");
        builder.UseSetting("Moderation:GlobalAdminIds:0", RootId);
        builder.UseSetting("Hangfire:WorkerCount", "1");
        // Recurring jobs stay registered but never come due (31 February) unless a test asks for a schedule: a test runs
        // the job itself when it needs it, so a minutely run cannot race it.
        builder.UseSetting("Hangfire:BanExpiryCron", Never);
        builder.UseSetting("Hangfire:RollbackSweepCron", Never);
        builder.UseSetting("Contributions:LeaderboardCron", Never);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting(TestHostLog.ConsoleOff, "None");
        builder.ConfigureLogging(logging => logging.AddProvider(new TestHostLog("authapi")));
        // Tests call as few users from one address, far faster than people do; RateLimitTests sets real limits.
        foreach (var limit in new[] { "AnonymousReads", "Writes", "Joins", "ReportBatches", "UnknownTokenLookups", "NameLookups", "ImportNameLookups", "InstanceNameLookups" })
        {
            builder.UseSetting($"RateLimits:{limit}PerMinute", "0");
        }
    }

    /// <summary>A client that sends <paramref name="hfToken"/> as its bearer token (the emulator's user tokens are <c>hf_dev_&lt;name&gt;</c>).</summary>
    public HttpClient ClientWithToken(string? hfToken)
    {
        var client = CreateClient();
        if (hfToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", hfToken);
            // An OAuth token goes with the id_token of its sign-in, as the console sends it.
            if (Hub.IdTokenFor(hfToken) is { } idToken)
            {
                client.DefaultRequestHeaders.Add("X-HF-Id-Token", idToken);
            }
        }
        return client;
    }

    public HttpClient ClientFor(string username) => ClientWithToken("hf_dev_" + username);

    /// <summary>Runs <paramref name="query"/> on a fresh DbContext, to check what the database holds.</summary>
    public async Task<T> QueryDbAsync<T>(Func<ModerationDb, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ModerationDb>());
    }

    public Task<int> ExperimentCountAsync() => QueryDbAsync(db => db.Experiments.CountAsync());

    /// <summary>Stops this instance, as a process shutting down would, and keeps its database and Hub emulator.</summary>
    public Task StopHostAsync() => base.DisposeAsync().AsTask();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_sharedWith is not null)
        {
            return;
        }
        await Hub.DisposeAsync();
        if (_ownsCluster)
        {
            await _cluster!.DisposeAsync();
        }
        else
        {
            await _cluster!.DropDatabaseAsync(ConnectionString);
        }
    }
}
