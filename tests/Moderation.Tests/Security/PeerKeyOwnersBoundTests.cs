using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Peers;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>Reports naming a flood of made-up peer keys do not grow the owners cache without bound.</summary>
public sealed class PeerKeyOwnersBoundTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task TheOwnersCacheHoldsNoMoreKeysThanItsBound()
    {
        using var owners = new PeerKeyOwners();
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
        var fingerprints = Enumerable.Range(0, PeerKeyOwners.Entries + 5_000).Select(i => $"SHA256:flood-{i}").ToList();

        var credited = await owners.CreditedToAsync(db, experimentId: 1, fingerprints, CancellationToken.None);

        Assert.Equal(fingerprints.Count, credited.Count);
        Assert.All(credited.Values, Assert.Null); // nobody holds these keys
        Assert.InRange(owners.CachedEntries, 1, PeerKeyOwners.Entries);
        Assert.Empty(await db.PeerKeys.AsNoTracking().Where(k => k.Fingerprint.StartsWith("SHA256:flood-")).ToListAsync());
    }
}
