using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;
using Npgsql;

namespace Moderation.Tests.Jobs;

/// <summary>
/// An instance killed while its recurring-job scheduler held Hangfire's lock leaves the lock row behind: the other
/// instances take it over after <c>Hangfire:DistributedLockTimeoutSeconds</c>, not Hangfire.PostgreSql's ten minutes, so
/// recurring jobs — ban expiry among them — are enqueued again soon.
/// </summary>
public sealed class SchedulerLockTests(SchedulerLockTests.Instance api) : IClassFixture<SchedulerLockTests.Instance>
{
    public sealed class Instance : AuthApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Hangfire:BanExpiryCron", "*/1 * * * * *");
            builder.UseSetting("Hangfire:SchedulePollingIntervalSeconds", "1");
            builder.UseSetting("Hangfire:DistributedLockTimeoutSeconds", "3");
        }
    }

    [Fact]
    public async Task ASchedulerLockLeftByAKilledInstanceHoldsUpBanExpiryOnlyForTheLockTimeout()
    {
        var experiment = await api.CreateExperimentAsync();
        var user = api.NewUser("cooling");
        // As a killed instance leaves it: taken, never released (retried while the live scheduler holds it for a moment).
        await using (var connection = new NpgsqlConnection(api.ConnectionString + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var take = new NpgsqlCommand(
                "INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ('hangfire:recurring-jobs:lock', 0, now()) ON CONFLICT DO NOTHING", connection);
            while (await take.ExecuteNonQueryAsync() == 0)
            {
                await Task.Delay(10);
            }
        }
        var ban = await (await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/bans",
            new CreateBanRequest(user.Name, "cool-down", ExpiresAt: DateTimeOffset.UtcNow.AddSeconds(1)))).ReadAsync<BanResponse>(HttpStatusCode.Created);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await api.QueryDbAsync(db => db.Bans.AnyAsync(b => b.Id == ban.Id && b.LiftedAt != null)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the ban was not lifted within 30 s: the dead scheduler's lock still holds recurring jobs back");
            await Task.Delay(200);
        }
    }
}
