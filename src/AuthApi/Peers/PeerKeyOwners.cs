using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Peers;

/// <summary>
/// Who each peer key belongs to (<see cref="PeerKey"/>): the first user a token was issued for with it. An owner never
/// changes once known, so owners are cached for long. Keys are claimed by the join's group commit, in the transaction
/// that stores the token (the join reads a key's owner in its one statement, <c>JoinFacts</c>). The cache is bounded
/// (<see cref="Entries"/>): every key a report names adds an entry, so reports naming made-up keys must not grow it without
/// bound; past the bound the least recently used are dropped and looked up again.
/// </summary>
public sealed class PeerKeyOwners : IDisposable
{
    /// <summary>At most this many keys and credits (a few hundred bytes each): far more than the peers of a busy run.</summary>
    public const int Entries = 20_000;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Entries, CompactionPercentage = 0.25 });
    private static readonly TimeSpan KnownFor = TimeSpan.FromHours(1);
    private static readonly TimeSpan UnattributedFor = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whom each key's reports in <paramref name="experimentId"/> are credited to: its owner, if a token was issued for the
    /// key in this experiment; otherwise nobody (unattributed) for now, since the key may join a moment later.
    /// </summary>
    public async Task<Dictionary<string, string?>> CreditedToAsync(ModerationDb db, int experimentId, IEnumerable<string> fingerprints, CancellationToken ct)
    {
        var owners = new Dictionary<string, string?>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var fingerprint in fingerprints)
        {
            if (owners.ContainsKey(fingerprint))
            {
                continue;
            }
            owners[fingerprint] = null;
            if (cache.TryGetValue(CreditKey(experimentId, fingerprint), out string? owner))
            {
                owners[fingerprint] = owner;
            }
            else
            {
                missing.Add(fingerprint);
            }
        }
        if (missing.Count == 0)
        {
            return owners;
        }
        var found = await db.PeerKeys.AsNoTracking()
            .Where(k => missing.Contains(k.Fingerprint)
                        && db.IssuedTokens.Any(t => t.ExperimentId == experimentId && t.PeerKeyFingerprint == k.Fingerprint))
            .Select(k => new { k.Fingerprint, k.UserId })
            .ToListAsync(ct);
        foreach (var f in found)
        {
            owners[f.Fingerprint] = f.UserId;
        }
        foreach (var fingerprint in missing)
        {
            var owner = owners[fingerprint];
            Set(CreditKey(experimentId, fingerprint), owner, owner is null ? UnattributedFor : KnownFor);
        }
        return owners;
    }

    /// <summary>How many keys and credits are cached now.</summary>
    internal int CachedEntries => cache.Count;

    public void Dispose() => cache.Dispose();

    private void Set(string key, string? owner, TimeSpan lifetime) =>
        cache.Set(key, owner, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });

    private static string CreditKey(int experimentId, string fingerprint) => $"peer-key-credit:{experimentId}:{fingerprint}";
}
