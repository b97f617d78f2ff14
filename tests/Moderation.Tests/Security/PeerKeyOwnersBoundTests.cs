using Moderation.AuthApi.Peers;

namespace Moderation.Tests.Security;

/// <summary>A flood of fresh peer keys (every one a join that signs) does not grow the owners cache without bound.</summary>
public sealed class PeerKeyOwnersBoundTests
{
    [Fact]
    public void TheOwnersCacheHoldsNoMoreKeysThanItsBound()
    {
        using var owners = new PeerKeyOwners();
        for (var i = 0; i < PeerKeyOwners.Entries + 5_000; i++)
        {
            owners.Remember($"SHA256:flood-{i}", "6650b0b0b0b0b0b0b0b0b0b0");
        }
        Assert.InRange(owners.CachedEntries, 1, PeerKeyOwners.Entries);
        owners.Remember("SHA256:after-the-flood", "6650c0c0c0c0c0c0c0c0c0c0");
        Assert.InRange(owners.CachedEntries, 1, PeerKeyOwners.Entries);
    }
}
