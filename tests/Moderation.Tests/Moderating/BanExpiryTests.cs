using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Client;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;
using Npgsql;

namespace Moderation.Tests.Moderating;

/// <summary>
/// Temporary bans end on time, by a clock the test moves: no waiting, and no race with the minutely job; one run at a time,
/// under a lock that dies with the instance that holds it.
/// </summary>
public sealed class BanExpiryTests(FakeClockFactory api) : IClassFixture<FakeClockFactory>
{
    private ModerationClient Client => new(api.CreateClient());

    [Fact]
    public async Task TemporaryBansLiftThemselves()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var until = api.Clock.GetUtcNow().AddHours(2);
        await (await api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest("bob", "cool-down", ExpiresAt: until)))
            .ReadAsync<BanResponse>(HttpStatusCode.Created);
        var refused = await Assert.ThrowsAsync<ModerationApiException>(() => Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, PeerKeys.New()));
        Assert.Contains("until", refused.Detail, StringComparison.Ordinal);

        api.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        await Client.JoinAsync("hf_dev_bob", "demo-org", experiment.ModelName, PeerKeys.New());

        await using (var scope = api.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<BanExpiryJob>().RunAsync(CancellationToken.None));
        }
        var bans = await (await api.ClientFor("alice").GetAsync($"{url}/bans?include_lifted=true")).ReadAsync<List<BanResponse>>();
        var lifted = Assert.Single(bans, b => b.Username == "bob");
        Assert.Equal("system:ban-expiry", lifted.LiftedBy);
        Assert.Equal(until.ToUnixTimeMilliseconds(), lifted.LiftedAt?.ToUnixTimeMilliseconds()); // PostgreSQL keeps microseconds
        Assert.False(lifted.InForce);
        var audit = await (await api.ClientFor("alice").GetAsync($"{url}/audit?action=ban.expired")).ReadAsync<Paged<AuditEntryResponse>>();
        Assert.Equal("bob", Assert.Single(audit.Items).Target);

        using var connection = api.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
        Assert.Contains(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection), j => j.Id == BanExpiryJob.RecurringJobId);
    }

    [Fact]
    public async Task ARunThatFindsAnotherRunningLeavesItTheBansAndItsLockDiesWithItsSession()
    {
        var experiment = await api.CreateExperimentAsync();
        var user = api.NewUser("cooling");
        await (await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/bans",
            new CreateBanRequest(user.Name, "cool-down", ExpiresAt: api.Clock.GetUtcNow().AddMinutes(5)))).ReadAsync<BanResponse>(HttpStatusCode.Created);
        api.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        // Another instance's run holds the job's lock, on a session of its own...
        await using (var other = new NpgsqlConnection(api.ConnectionString + ";Pooling=false"))
        {
            await other.OpenAsync();
            await using var take = new NpgsqlCommand(AdvisoryLocks.TryBanExpiry, other);
            Assert.True((bool)(await take.ExecuteScalarAsync())!);
            Assert.Equal(0, await RunExpiryAsync());
        }
        // ...and is killed: its session ends, and so does its lock; the next run lifts the ban.
        Assert.Equal(1, await RunExpiryAsync());
    }

    private async Task<int> RunExpiryAsync()
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BanExpiryJob>().RunAsync(CancellationToken.None);
    }
}
