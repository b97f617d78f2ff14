using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Health;

/// <summary>Readiness follows PostgreSQL: 503 while it is down, 200 again when it returns, without a restart.</summary>
public sealed class ReadinessTests(ReadinessTests.OwnClusterFactory api) : IClassFixture<ReadinessTests.OwnClusterFactory>
{
    /// <summary>These tests stop PostgreSQL, so they run on a cluster no other test uses.</summary>
    public sealed class OwnClusterFactory : AuthApiFactory
    {
        protected override bool OwnCluster => true;
    }

    [Fact]
    public async Task ReadyzGoes503WhilePostgresIsDownAndRecovers()
    {
        var client = api.ClientWithToken(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        await api.Cluster.StopAsync();
        try
        {
            // The probe's answer is reused for half a second (a flood of /readyz costs PostgreSQL little), so readiness
            // turns within that window, not necessarily on the very next request.
            var turned = DateTime.UtcNow.AddSeconds(5);
            HttpResponseMessage down;
            while ((down = await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK && DateTime.UtcNow < turned)
            {
                await Task.Delay(100);
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

            // A request that needs the database while it is down is a 503 the client may retry, not a 500.
            var experiments = await api.ClientFor("alice").GetAsync("/api/v1/experiments");
            await experiments.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await api.Cluster.StartAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = (await client.GetAsync("/readyz")).StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline && await Delay());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor("alice").GetAsync("/api/v1/experiments")).StatusCode);
    }

    [Fact]
    public async Task TwoInstancesStartingAtOnceBothMigrateSafely()
    {
        // Each factory applies migrations at start-up on a fresh database; they queue on the advisory lock.
        var connectionString = await api.Cluster.CreateDatabaseAsync("moderation_race");
        await using var first = new SameDatabaseFactory(api, connectionString);
        await using var second = new SameDatabaseFactory(api, connectionString);

        await Task.WhenAll(Task.Run(() => first.CreateClient()), Task.Run(() => second.CreateClient()));

        Assert.Equal(HttpStatusCode.OK, (await first.CreateClient().GetAsync("/readyz")).StatusCode);
        await using var db = new Moderation.AuthApi.Data.ModerationDb(new DbContextOptionsBuilder<Moderation.AuthApi.Data.ModerationDb>()
            .UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task OpenApiDocumentAndReferencePageAreServed()
    {
        var client = api.ClientWithToken(null);
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/experiments", out _));
        Assert.True(paths.TryGetProperty("/api/experiments/{id}", out _));
        var page = await client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(250);
        return true;
    }

    private sealed class SameDatabaseFactory(AuthApiFactory template, string connectionString) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:Moderation", connectionString);
            builder.UseSetting("HuggingFace:BaseUrl", template.Hub.BaseUrl);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting(TestHostLog.ConsoleOff, "None");
            builder.ConfigureLogging(logging => logging.AddProvider(new TestHostLog("authapi")));
        }
    }
}
