using System.Net;
using Microsoft.AspNetCore.Hosting;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Telemetry;

/// <summary>
/// <c>Telemetry:MetricsPort</c> (the Helm chart's default, 9090) serves <c>/metrics</c> only to connections made to that
/// port: a Host header naming the port, which any client can send, does not open it on the app's port.
/// </summary>
public sealed class MetricsPortTests(AuthApiFactory shared) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task MetricsAreNotServedOnTheAppPortToARequestNamingTheMetricsPortInItsHostHeader()
    {
        await using var api = new MetricsPortInstance(shared);
        await api.InitializeAsync();
        api.UseKestrel(0);
        api.StartServer();
        using var client = new HttpClient { BaseAddress = api.ClientOptions.BaseAddress };
        Assert.NotEqual(9090, api.ClientOptions.BaseAddress.Port);

        // A plain scrape on the app's port is refused, as configured.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);

        // The same port, a Host header that names 9090: still refused.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        spoofed.Headers.Host = "auth.example.org:9090";
        var answer = await client.SendAsync(spoofed);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.NotFound,
            $"/metrics answered {(int)answer.StatusCode} on port {api.ClientOptions.BaseAddress.Port}: {body[..Math.Min(body.Length, 300)]}");
    }

    private sealed class MetricsPortInstance(AuthApiFactory sharedWith) : AuthApiFactory(sharedWith)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Telemetry:MetricsPort", "9090");
        }
    }
}
