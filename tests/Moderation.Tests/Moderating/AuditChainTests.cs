using System.Net;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Moderating;

/// <summary>The audit chain verifies; the database refuses changes; a row altered behind the application's back is named.</summary>
public sealed class AuditChainTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task TamperingIsRefusedByTheDatabaseAndDetectedByVerification()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        await api.ClientFor("alice").PutAsync($"{url}/moderators/carol", null);
        await api.ClientFor("alice").PostWireAsync($"{url}/bans", new CreateBanRequest("mallory", "spam"));
        await api.ClientFor("alice").PutAsync($"{url}/allowlist/bob", null);

        var clean = await (await api.ClientFor("root").GetAsync("/api/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
        Assert.True(clean.Valid);
        Assert.Equal(4, clean.EntriesChecked);

        // The application's own database user cannot rewrite history.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => api.QueryDbAsync(db =>
            db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET reason = 'nothing happened' WHERE action = 'ban.created'")));
        Assert.Contains("append-only", refused.Message + refused.InnerException?.Message, StringComparison.Ordinal);

        // Someone with the power to disable the trigger does it anyway: verification names the entry.
        var banEntry = await api.QueryDbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "ban.created"));
        await api.QueryDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only");
            await db.Database.ExecuteSqlAsync($"UPDATE audit_entries SET reason = 'nothing happened' WHERE id = {banEntry.Id}");
            return await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only");
        });

        var broken = await (await api.ClientFor("root").GetAsync("/api/v1/audit/verify")).ReadAsync<AuditVerificationResponse>();
        Assert.False(broken.Valid);
        Assert.Equal(banEntry.Id, broken.FirstBrokenId);
        Assert.Contains($"Entry {banEntry.Id}", broken.Problem, StringComparison.Ordinal);
        Assert.Equal(banEntry.Id - 1, broken.EntriesChecked);
    }
}
