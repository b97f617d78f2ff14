using System.Net;
using Microsoft.AspNetCore.Hosting;
using Moderation.Contracts.Join;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Production;

/// <summary>
/// Behind a TLS-terminating proxy: forwarded headers are believed from the configured proxies only, so links in answers
/// carry the public https origin; ModeratorUi outside Development sends Secure, SameSite, __Host- cookies and HSTS.
/// </summary>
public sealed class ProxyTests(AuthApiFactory shared) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task ForwardedHeadersAreBelievedFromTrustedProxiesOnly()
    {
        await using var trusting = await KestrelInstance.StartAsync(shared, "127.0.0.1");
        await using var distrusting = await KestrelInstance.StartAsync(shared, "10.9.9.9");
        var experiment = await trusting.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/join";

        foreach (var (api, expected) in new[] { (trusting, "https://auth.example.org/"), (distrusting, distrusting.Origin + "/") })
        {
            using var client = new HttpClient { BaseAddress = new Uri(api.Origin) };
            client.DefaultRequestHeaders.Add("Authorization", "Bearer hf_dev_alice");
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
            client.DefaultRequestHeaders.Add("X-Forwarded-Host", "auth.example.org");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
            var joined = await (await client.PostWireAsync(url, new JoinInput(PeerKeys.New()))).ReadAsync<JoinResponse>();
            Assert.StartsWith(expected + "api/v1/experiments/demo-org/", joined.JwksUrl, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ModeratorUiCookiesAreSecureAndHostOnlyWithHstsOutsideDevelopment()
    {
        await using var ui = new ModeratorUiFactory(shared, "http://127.0.0.1:1", configure: b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("DataProtection:AllowUnprotectedKeys", "true");
        });
        ui.ClientOptions.BaseAddress = new Uri("https://moderation.example.org");
        ui.ClientOptions.AllowAutoRedirect = false;
        var signIn = await ui.CreateClient().GetAsync("/account/signin");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var cookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c =>
        {
            Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", c, StringComparison.OrdinalIgnoreCase);
        });
        Assert.StartsWith("max-age=31536000", signIn.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);

        var services = ui.Services.GetService(typeof(Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>))
            as Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>;
        var session = services!.Get("Cookies").Cookie;
        Assert.Equal(("__Host-moderation.session", Microsoft.AspNetCore.Http.CookieSecurePolicy.Always, Microsoft.AspNetCore.Http.SameSiteMode.Lax),
            (session.Name, session.SecurePolicy, session.SameSite));
    }

    [Fact]
    public async Task ADpopProofNamingTheHostAClientClaimsIsRefusedWhereAPublicOriginIsSet()
    {
        // The balancer is trusted, but a client wrote X-Forwarded-Host itself (HAProxy passed it on before it set the header).
        await using var api = await KestrelInstance.StartAsync(shared, "127.0.0.1", issuer: "https://auth.example.org");
        var (_, url, _) = await api.OpenExperimentWithAuxAsync();
        using var peer = await DpopPeer.Create().JoinAsync(api, url, "carol");
        var path = $"{url}/contributions";

        async Task<HttpResponseMessage> ReportAsync(string htu, long step)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = System.Net.Http.Json.JsonContent.Create(new Contracts.Contributions.ContributionBatch(
                    [ContributionSetup.Report(peer.Joined!.PeerKeyFingerprint, step, 600, 10, DateTimeOffset.UtcNow.AddMinutes(-1))]), options: Contracts.Json.WireJson.Options),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("DPoP", peer.Joined!.Token);
            request.Headers.Add("DPoP", Contracts.Tokens.DpopProof.Create(peer.Key, "POST", htu, peer.Joined.Token, DateTimeOffset.UtcNow));
            request.Headers.Add("X-Forwarded-Host", "evil.example");
            request.Headers.Add("X-Forwarded-Proto", "https");
            return await api.CreateClient().SendAsync(request);
        }

        var evil = await ReportAsync("https://evil.example" + path, 1);
        Assert.Contains("'htu'", (await evil.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await ReportAsync("https://auth.example.org" + path, 2)).StatusCode);
    }

    /// <summary>AuthApi on a real loopback port (so the proxy's address is 127.0.0.1) that trusts <paramref name="proxy"/>.</summary>
    private sealed class KestrelInstance(AuthApiFactory sharedWith, string proxy, string? issuer = null) : AuthApiFactory(sharedWith)
    {
        public string Origin => ClientOptions.BaseAddress.ToString().TrimEnd('/');

        public static async Task<KestrelInstance> StartAsync(AuthApiFactory sharedWith, string proxy, string? issuer = null)
        {
            var instance = new KestrelInstance(sharedWith, proxy, issuer);
            await instance.InitializeAsync();
            instance.UseKestrel(0);
            instance.StartServer();
            return instance;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("ReverseProxy:TrustedProxies:0", proxy);
            if (issuer is not null)
            {
                builder.UseSetting("Tokens:Issuer", issuer);
            }
        }
    }
}
