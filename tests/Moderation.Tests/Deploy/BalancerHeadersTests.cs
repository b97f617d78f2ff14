using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Moderation.Contracts.Join;
using Moderation.Tests.Infrastructure;
using Moderation.Tests.Replicas;

namespace Moderation.Tests.Deploy;

/// <summary>
/// Both HAProxy configurations — the local run's (<c>deploy/haproxy-config.sh</c>) and the compose file's
/// (<c>deploy/compose/haproxy.cfg</c>, its host names pointed at loopback) — run by the real HAProxy in front of AuthApi and
/// ModeratorUi, which trust it: a client's own <c>X-Forwarded-Host</c>/<c>-Proto</c> never reach the apps as HAProxy's word.
/// </summary>
public sealed class BalancerHeadersTests(AuthApiFactory shared) : IClassFixture<AuthApiFactory>
{
    [Theory]
    [InlineData("local")]
    [InlineData("compose")]
    public async Task AClientsForwardedHostAndProtoStopAtTheBalancer(string configuration)
    {
        await using var authApi = new Backend(shared);
        await authApi.InitializeAsync();
        authApi.UseKestrel(0);
        authApi.StartServer();
        var apiBackend = authApi.ClientOptions.BaseAddress.Authority;
        await using var console = new ModeratorUiFactory(shared, $"http://{apiBackend}", kestrel: true,
            configure: b => b.UseSetting("ReverseProxy:TrustedProxies:0", "127.0.0.1")).Start();
        using var balancer = await StartHaproxyAsync(configuration, apiBackend, console.ClientOptions.BaseAddress.Authority);
        var (api, ui) = (balancer.ApiPort, balancer.UiPort);

        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{api}") };
        client.DefaultRequestHeaders.Add("X-Forwarded-Host", "evil.example");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("Forwarded", "host=evil.example;proto=https");

        var openApi = await (await PastHealthChecksAsync(() => client.GetAsync("/openapi/v1.json"))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("evil.example", openApi, StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{api}", openApi, StringComparison.Ordinal);

        var experiment = await shared.CreateExperimentAsync(policy: Contracts.Experiments.AccessPolicy.Open);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "hf_dev_carol");
        var joined = await (await PastHealthChecksAsync(() => client.PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/join",
            new JoinInput(PeerKeys.New())))).ReadAsync<JoinResponse>();
        Assert.StartsWith($"http://127.0.0.1:{api}/", joined.JwksUrl, StringComparison.Ordinal);
        Assert.Equal($"http://127.0.0.1:{api}", Contracts.Tokens.PeerJwt.Read(joined.Token)!.Claims.Issuer);

        // The console's sign-in sends the Hub a redirect_uri on the host HAProxy was called on.
        client.DefaultRequestHeaders.Authorization = null;
        var signIn = await PastHealthChecksAsync(() => client.GetAsync($"http://127.0.0.1:{ui}/account/signin"));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var location = Uri.UnescapeDataString(signIn.Headers.Location!.ToString());
        Assert.Contains($"redirect_uri=http://127.0.0.1:{ui}/signin-oidc", location, StringComparison.Ordinal);
    }

    /// <summary>
    /// The answer, once it is not HAProxy's own 503: on a loaded machine a health check can outlast its one-second
    /// limit and take the only replica out for a moment. Availability is not what this test is about.
    /// </summary>
    private static async Task<HttpResponseMessage> PastHealthChecksAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(250))
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return response;
            }
        }
    }

    /// <summary>An AuthApi replica that, like every replica behind HAProxy, believes forwarded headers from 127.0.0.1.</summary>
    private sealed class Backend(AuthApiFactory sharedWith) : AuthApiFactory(sharedWith)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ReverseProxy:TrustedProxies:0", "127.0.0.1");
        }
    }

    /// <summary>HAProxy with <paramref name="configuration"/>, its backends pointed at the apps (ports are retried if taken meanwhile).</summary>
    private static async Task<Haproxy> StartHaproxyAsync(string configuration, string apiBackend, string uiBackend)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (api, ui) = (FreePort(), FreePort());
            var directory = Directory.CreateTempSubdirectory("moderation-haproxy-").FullName;
            var file = Path.Combine(directory, "haproxy.cfg");
            await File.WriteAllTextAsync(file, await ConfigurationAsync(configuration, api, ui, directory, apiBackend, uiBackend));
            var process = Process.Start(new ProcessStartInfo("haproxy", ["-f", file, "-db"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var balancer = new Haproxy(process, directory, api, ui);
            using var probe = new HttpClient();
            for (var deadline = DateTime.UtcNow.AddSeconds(30); !process.HasExited && DateTime.UtcNow < deadline; await Task.Delay(100))
            {
                try
                {
                    if ((await probe.GetAsync($"http://127.0.0.1:{api}/readyz")).IsSuccessStatusCode)
                    {
                        return balancer;
                    }
                }
                catch (HttpRequestException)
                {
                }
            }
            var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "not ready within 30 s";
            balancer.Dispose();
            Assert.True(attempt < 3, "HAProxy did not start: " + error);
        }
    }

    private static async Task<string> ConfigurationAsync(string configuration, int api, int ui, string directory, string apiBackend, string uiBackend)
    {
        if (configuration == "compose")
        {
            return (await File.ReadAllTextAsync(Path.Combine(ReplicaSystem.RepositoryRoot, "deploy/compose/haproxy.cfg")))
                .Replace("bind :8080", $"bind 127.0.0.1:{api}", StringComparison.Ordinal)
                .Replace("bind :8081", $"bind 127.0.0.1:{ui}", StringComparison.Ordinal)
                .Replace("authapi-1:8080", apiBackend, StringComparison.Ordinal)
                .Replace("authapi-2:8080", apiBackend, StringComparison.Ordinal)
                .Replace("moderatorui:8080", uiBackend, StringComparison.Ordinal);
        }
        using var script = Process.Start(new ProcessStartInfo("bash",
            [Path.Combine(ReplicaSystem.RepositoryRoot, "deploy/haproxy-config.sh"), "1", $"{api}", $"{ui}", Path.Combine(directory, "haproxy.sock")])
        {
            RedirectStandardOutput = true,
        })!;
        var text = await script.StandardOutput.ReadToEndAsync();
        await script.WaitForExitAsync();
        // The script puts replica i at the balancer's port + i; here the apps are wherever Kestrel put them.
        text = System.Text.RegularExpressions.Regex.Replace(text, @"server api1 \S+", $"server api1 {apiBackend}");
        return System.Text.RegularExpressions.Regex.Replace(text, @"server ui1 \S+", $"server ui1 {uiBackend}");
    }

    private sealed class Haproxy(Process process, string directory, int apiPort, int uiPort) : IDisposable
    {
        public int ApiPort => apiPort;
        public int UiPort => uiPort;

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }
            process.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
