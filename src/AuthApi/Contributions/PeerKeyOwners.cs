using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// Whom a peer key's reports are credited to: the user its first token in the experiment was issued for, or nobody
/// (unattributed) when we never issued one. Owners never change once known, so they are cached; "nobody" is cached only
/// briefly, since the key may join a moment later.
/// </summary>
public sealed class PeerKeyOwners(IMemoryCache cache)
{
    private static readonly TimeSpan KnownFor = TimeSpan.FromHours(1);
    private static readonly TimeSpan UnknownFor = TimeSpan.FromSeconds(10);

    public async Task<Dictionary<string, string?>> OwnersAsync(ModerationDb db, int experimentId, IEnumerable<string> fingerprints, CancellationToken ct)
    {
        var owners = new Dictionary<string, string?>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var fingerprint in fingerprints)
        {
            if (owners.ContainsKey(fingerprint))
            {
                continue;
            }
            if (cache.TryGetValue(Key(experimentId, fingerprint), out string? owner))
            {
                owners[fingerprint] = owner;
            }
            else
            {
                owners[fingerprint] = null;
                missing.Add(fingerprint);
            }
        }
        if (missing.Count == 0)
        {
            return owners;
        }
        var found = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experimentId && missing.Contains(t.PeerKeyFingerprint))
            .GroupBy(t => t.PeerKeyFingerprint)
            .Select(g => new { Fingerprint = g.Key, g.OrderBy(t => t.IssuedAt).First().Username })
            .ToListAsync(ct);
        foreach (var f in found)
        {
            owners[f.Fingerprint] = f.Username;
        }
        foreach (var fingerprint in missing)
        {
            var owner = owners[fingerprint];
            cache.Set(Key(experimentId, fingerprint), owner, owner is null ? UnknownFor : KnownFor);
        }
        return owners;
    }

    private static string Key(int experimentId, string fingerprint) => $"peer-key-owner:{experimentId}:{fingerprint}";
}
