using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Peers;

/// <summary>
/// Who each peer key belongs to (<see cref="PeerKey"/>): the first user a token was issued for with it. An owner never
/// changes once known, so owners are cached for long; "no owner yet" is not cached at all.
/// </summary>
public sealed class PeerKeyOwners(IMemoryCache cache, TimeProvider clock)
{
    private static readonly TimeSpan KnownFor = TimeSpan.FromHours(1);
    private static readonly TimeSpan UnattributedFor = TimeSpan.FromSeconds(10);

    /// <summary>The key's owner: <paramref name="userId"/> if nobody had it yet (it is now theirs), else whoever had it first.</summary>
    public async Task<string> ClaimAsync(ModerationDb db, string fingerprint, string userId, int experimentId, CancellationToken ct)
    {
        if (cache.TryGetValue(OwnerKey(fingerprint), out string? known))
        {
            return known!;
        }
        var owner = (await db.Database.SqlQuery<string>($"""
            INSERT INTO peer_keys (fingerprint, user_id, first_experiment_id, claimed_at)
            VALUES ({fingerprint}, {userId}, {experimentId}, {clock.GetUtcNow()})
            ON CONFLICT (fingerprint) DO UPDATE SET fingerprint = excluded.fingerprint
            RETURNING user_id AS "Value"
            """).ToListAsync(ct)).Single();
        cache.Set(OwnerKey(fingerprint), owner, KnownFor);
        return owner;
    }

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
            cache.Set(CreditKey(experimentId, fingerprint), owner, owner is null ? UnattributedFor : KnownFor);
        }
        return owners;
    }

    private static string OwnerKey(string fingerprint) => $"peer-key-owner:{fingerprint}";

    private static string CreditKey(int experimentId, string fingerprint) => $"peer-key-credit:{experimentId}:{fingerprint}";
}
