using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Identity;

/// <summary>Facts stored under a name before identity by id move to the HF account that holds the name (LegacyAccounts).</summary>
public sealed class LegacyAccountsTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task APlaceholdersFactsMoveToTheAccountAndItsHoursAddToTheAccountsOwn()
    {
        var experiment = await api.CreateExperimentAsync();
        var account = api.NewUser("legacy");
        var placeholder = HfUser.LegacyIdPrefix + account.Name;
        var hour = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
        await api.QueryDbAsync(async db =>
        {
            db.HfUsers.AddRange(new HfUser { Id = placeholder, Username = account.Name }, new HfUser { Id = account.Id, Username = account.Name });
            db.AllowlistEntries.Add(new AllowlistEntry { ExperimentId = experiment.Id, UserId = placeholder, AddedBy = "root", AddedAt = hour });
            db.Bans.Add(new Ban { ExperimentId = experiment.Id, UserId = placeholder, Reason = "spam", BannedBy = "root", CreatedAt = hour });
            db.ContributionHours.AddRange(Hour(experiment.Id, placeholder, hour, 100), Hour(experiment.Id, account.Id, hour, 20));
            return await db.SaveChangesAsync();
        });

        var legacy = api.Services.GetServices<IHostedService>().OfType<LegacyAccounts>().Single();
        Assert.Equal(0, await legacy.ResolveAllAsync(default));

        var (users, allowed, banned, hours) = await api.QueryDbAsync(async db => (
            await db.HfUsers.Where(u => u.Id == placeholder || u.Id == account.Id).Select(u => u.Id).ToListAsync(),
            await db.AllowlistEntries.Where(a => a.ExperimentId == experiment.Id).Select(a => a.UserId).ToListAsync(),
            await db.Bans.Where(b => b.ExperimentId == experiment.Id).Select(b => b.UserId).ToListAsync(),
            await db.ContributionHours.Where(h => h.ExperimentId == experiment.Id).ToListAsync()));
        Assert.Equal([account.Id], users);
        Assert.Equal([account.Id], allowed);
        Assert.Equal([account.Id], banned);
        var merged = Assert.Single(hours);
        Assert.Equal((account.Id, 120L, 3, hour.AddMinutes(40)), (merged.Contributor, merged.CreditedSamples, merged.Reports, merged.LastSeen));
    }

    private static ContributionHour Hour(int experimentId, string contributor, DateTimeOffset hour, long credited) => new()
    {
        ExperimentId = experimentId, Contributor = contributor, Hour = hour, Attributed = true, CreditedSamples = credited,
        ClaimedSamples = credited, Reports = credited == 100 ? 2 : 1, LastSeen = hour.AddMinutes(credited == 100 ? 40 : 10),
    };
}
