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
        var (api, ui) = (FreePortPair(), FreePortPair());
        await using var authApi = new Backend(shared);
        await authApi.InitializeAsync();
        authApi.UseKestrel(api + 1);
        authApi.StartServer();
        await using var console = new ModeratorUiFactory(shared, $"http://127.0.0.1:{api + 1}",
            configure: b => b.UseSetting("ReverseProxy:TrustedProxies:0", "127.0.0.1"));
        console.UseKestrel(ui + 1);
        console.StartServer();
        using var balancer = await StartHaproxyAsync(configuration, api, ui);

        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{api}") };
        client.DefaultRequestHeaders.Add("X-Forwarded-Host", "evil.example");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("Forwarded", "host=evil.example;proto=https");

        var openApi = await client.GetStringAsync("/openapi/v1.json");
        Assert.DoesNotContain("evil.example", openApi, StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{api}", openApi, StringComparison.Ordinal);

        var experiment = await shared.CreateExperimentAsync(policy: Contracts.Experiments.AccessPolicy.Open);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "hf_dev_carol");
        var joined = await (await client.PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/join", new JoinInput(PeerKeys.New())))
            .ReadAsync<JoinResponse>();
        Assert.StartsWith($"http://127.0.0.1:{api}/", joined.JwksUrl, StringComparison.Ordinal);
        Assert.Equal($"http://127.0.0.1:{api}", Contracts.Tokens.PeerJwt.Read(joined.Token)!.Claims.Issuer);

        // The console's sign-in sends the Hub a redirect_uri on the host HAProxy was called on.
        client.DefaultRequestHeaders.Authorization = null;
        var signIn = await client.GetAsync($"http://127.0.0.1:{ui}/account/signin");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var location = Uri.UnescapeDataString(signIn.Headers.Location!.ToString());
        Assert.Contains($"redirect_uri=http://127.0.0.1:{ui}/signin-oidc", location, StringComparison.Ordinal);
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

    private static async Task<Haproxy> StartHaproxyAsync(string configuration, int api, int ui)
    {
        var directory = Directory.CreateTempSubdirectory("moderation-haproxy-").FullName;
        var file = Path.Combine(directory, "haproxy.cfg");
        string text;
        if (configuration == "local")
        {
            using var script = Process.Start(new ProcessStartInfo("bash",
                [Path.Combine(ReplicaSystem.RepositoryRoot, "deploy/haproxy-config.sh"), "1", $"{api}", $"{ui}", Path.Combine(directory, "haproxy.sock")])
            {
                RedirectStandardOutput = true,
            })!;
            text = await script.StandardOutput.ReadToEndAsync();
            await script.WaitForExitAsync();
        }
        else
        {
            text = (await File.ReadAllTextAsync(Path.Combine(ReplicaSystem.RepositoryRoot, "deploy/compose/haproxy.cfg")))
                .Replace("bind :8080", $"bind 127.0.0.1:{api}", StringComparison.Ordinal)
                .Replace("bind :8081", $"bind 127.0.0.1:{ui}", StringComparison.Ordinal)
                .Replace("authapi-1:8080", $"127.0.0.1:{api + 1}", StringComparison.Ordinal)
                .Replace("authapi-2:8080", $"127.0.0.1:{api + 1}", StringComparison.Ordinal)
                .Replace("moderatorui:8080", $"127.0.0.1:{ui + 1}", StringComparison.Ordinal);
        }
        await File.WriteAllTextAsync(file, text);
        var process = Process.Start(new ProcessStartInfo("haproxy", ["-f", file, "-db"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var balancer = new Haproxy(process, directory);
        using var probe = new HttpClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(100))
        {
            try
            {
                if ((await probe.GetAsync($"http://127.0.0.1:{api}/readyz")).IsSuccessStatusCode)
                {
                    return balancer;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            Assert.True(DateTime.UtcNow < deadline && !process.HasExited, "HAProxy did not start: " + (process.HasExited ? await process.StandardError.ReadToEndAsync() : "timeout"));
        }
    }

    private sealed class Haproxy(Process process, string directory) : IDisposable
    {
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

    /// <summary>A port whose next port is free too (the local configuration puts replica i at the balancer's port + i).</summary>
    private static int FreePortPair()
    {
        while (true)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port >= 65535)
            {
                continue;
            }
            try
            {
                using var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
