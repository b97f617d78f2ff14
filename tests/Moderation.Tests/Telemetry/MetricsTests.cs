using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Telemetry;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;
using OpenTelemetry.Trace;

namespace Moderation.Tests.Telemetry;

/// <summary>
/// <c>/metrics</c> shows the HTTP server's and the service's own metrics after some traffic, every metric the Grafana
/// dashboard queries among them; with an OTLP endpoint set, one join is one trace: the request, the Hub lookup and the
/// database calls.
/// </summary>
public sealed partial class MetricsTests(MetricsTests.TracedFactory api) : IClassFixture<MetricsTests.TracedFactory>
{
    public sealed class TracedFactory : AuthApiFactory
    {
        /// <summary>Every span of the process (activity sources are process-wide), added from many threads.</summary>
        public SynchronizedCollection Spans { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Nothing listens there: the OTLP exporter gives up quietly; the in-memory exporter is what the test reads.
            builder.UseSetting("Telemetry:OtlpEndpoint", "http://127.0.0.1:9");
            builder.UseSetting("Hangfire:BanExpiryCron", "*/1 * * * * *");
            builder.UseSetting("Hangfire:SchedulePollingIntervalSeconds", "1");
            builder.ConfigureTestServices(services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans)));
        }
    }

    [Fact]
    public async Task MetricsShowTheServicesOwnMeasurementsAfterTraffic()
    {
        var (experiment, url, aux) = await api.OpenExperimentWithAuxAsync();
        var joined = await api.JoinAsync(url, "bob");
        await (await api.ClientFor("bob").PostWireAsync($"{url}/join", new JoinInput("ssh-rsa nonsense"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest("carol", "spam"))).ReadAsync<BanResponse>(HttpStatusCode.Created);
        await (await api.ClientFor("carol").PostWireAsync($"{url}/join", new JoinInput(PeerKeys.New()))).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync($"{url}/revocations")).StatusCode);
        await aux.SendAsync(url, ContributionSetup.Steps(new Dictionary<string, double> { [joined.PeerKeyFingerprint] = 10 }, steps: 2));
        // The rate limiter's hook (the limiter itself is not built yet).
        api.Services.GetRequiredService<ModerationMetrics>().RateLimitRefused("joins");

        var metrics = "";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(500);
            metrics = await api.CreateClient().GetStringAsync("/metrics");
        }
        while (!metrics.Contains("moderation_jobs_runs_total{", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        Assert.Matches(Series("moderation_joins_total", "api=\"native\"", "outcome=\"issued\""), metrics);
        Assert.Matches(Series("moderation_joins_total", "outcome=\"banned\""), metrics);
        Assert.Matches(Series("moderation_joins_total", "outcome=\"invalid\""), metrics);
        Assert.Matches(Series("moderation_hub_lookup_duration_seconds_bucket", "call=\"whoami\"", "result=\"ok\""), metrics);
        Assert.Matches(Series("moderation_identity_cache_total", "result=\"hit\""), metrics);
        Assert.Matches(Series("moderation_revocation_list_version", $"experiment=\"demo-org/{experiment.ModelName}\""), metrics);
        Assert.Matches(Series("moderation_jobs_runs_total", "job=\"BanExpiryJob\"", "outcome=\"succeeded\""), metrics);
        Assert.Matches(Series("moderation_contributions_ingested_total", "result=\"stored\""), metrics);
        Assert.Matches(Series("moderation_rate_limit_refusals_total", "policy=\"joins\""), metrics);
        Assert.Matches(Series("http_server_request_duration_seconds_bucket", "http_route=\"/api/v1/experiments/{org}/{model}/join\""), metrics);

        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "deploy/grafana/moderation-dashboard.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!)
            .SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).Distinct().ToList();
        Assert.True(queried.Count >= 10, string.Join(", ", queried));
        Assert.All(queried, name => Assert.Contains("\n" + name, metrics, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OneJoinIsOneTraceWithTheHubLookupAndTheDatabaseCalls()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var token = api.Hub.IssueOAuthToken("alice"); // never seen: the join must ask the Hub (whoami-v2 answers OAuth tokens too)
        // Our own trace id, so the trace is told apart from every other host's in this process (activity sources are process-wide).
        var traceId = ActivityTraceId.CreateRandom();
        var client = api.ClientWithToken(token);
        client.DefaultRequestHeaders.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var response = await client.PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/join", new JoinInput(PeerKeys.New()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Activity? server = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            lock (api.Spans)
            {
                server = api.Spans.Items.FirstOrDefault(s => s.Kind == ActivityKind.Server && s.TraceId == traceId && s.DisplayName.EndsWith("/join", StringComparison.Ordinal));
            }
        }
        Assert.NotNull(server);
        List<Activity> trace;
        lock (api.Spans)
        {
            trace = api.Spans.Items.Where(s => s.TraceId == server.TraceId).ToList();
        }
        Assert.Contains(trace, s => s.Kind == ActivityKind.Client && s.GetTagItem("url.full") is string u && u.Contains("/api/whoami-v2", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Source.Name == "Npgsql");
    }

    public sealed class SynchronizedCollection : ICollection<Activity>
    {
        public List<Activity> Items { get; } = [];

        public int Count
        {
            get
            {
                lock (this)
                {
                    return Items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public void Add(Activity item)
        {
            lock (this)
            {
                Items.Add(item);
            }
        }

        public void Clear()
        {
            lock (this)
            {
                Items.Clear();
            }
        }

        public bool Contains(Activity item) => throw new NotSupportedException();

        public void CopyTo(Activity[] array, int arrayIndex) => throw new NotSupportedException();

        public bool Remove(Activity item) => throw new NotSupportedException();

        public IEnumerator<Activity> GetEnumerator() => throw new NotSupportedException();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static Regex Series(string name, params string[] labels) =>
        new("(?m)^" + Regex.Escape(name) + "\\{" + string.Concat(labels.Select(l => "(?=[^\\n]*" + Regex.Escape(l) + ")")) + "[^\\n]*\\} [0-9.e+-]+$");

    [GeneratedRegex(@"\b(?:moderation|http_server)_[a-z_]+\b")]
    private static partial Regex MetricName();

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Moderation.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Moderation.sln not found above the test binaries.");
        }
        return dir;
    }
}
