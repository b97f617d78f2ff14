using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Revocations;

/// <summary>
/// Builds and signs an experiment's revocation list. A ban never names anyone but the banned account: a name is listed
/// only while the banned account holds a live token of this experiment under it and no other account is known by that
/// name (in any letter case: a token issued to it here, or its current name as this service last saw it). Otherwise the
/// banned account's live tokens are revoked by their peer keys' fingerprints, which have one owner. A banned account
/// without live tokens lists nothing (no token of it to refuse, and its old name may be someone else's tomorrow). Token
/// ids are listed only for tokens of individually revoked peer keys, and only until they expire.
/// </summary>
public sealed class RevocationListBuilder(KeyRing keys)
{
    public async Task<RevocationDocument?> BuildAsync(ModerationDb db, string org, string model, DateTimeOffset now, CancellationToken ct)
    {
        var experimentId = await db.Experiments.Where(e => e.OrganizationName == org && e.ModelName == model)
            .Select(e => (int?)e.Id).FirstOrDefaultAsync(ct);
        if (experimentId is null)
        {
            return null;
        }
        var version = await db.CurrentRevocationVersionAsync(ct);
        var (banned, bannedKeys) = await BannedAsync(db, experimentId.Value, now, ct);
        var revokedKeys = await db.RevokedPeerKeys.AsNoTracking().Where(r => r.ExperimentId == experimentId)
            .Select(r => r.PeerKeyFingerprint).ToListAsync(ct);
        revokedKeys = revokedKeys.Union(bannedKeys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var revokedTokens = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experimentId && t.RevokedAt != null && t.ExpiresAt > now
                        && db.RevokedPeerKeys.Any(r => r.ExperimentId == experimentId && r.PeerKeyFingerprint == t.PeerKeyFingerprint))
            .Select(t => new { t.Id, t.HivemindSignature }).ToListAsync(ct);
        var tokenIds = revokedTokens.SelectMany(t => new[] { t.Id.ToString(), RevocationList.HivemindTokenId(t.HivemindSignature) })
            .Order(StringComparer.Ordinal).ToList();

        var list = new RevocationList($"{org}/{model}", version, now.ToUnixTimeSeconds(), banned, revokedKeys, tokenIds);
        var content = string.Join("\n", [version.ToString(CultureInfo.InvariantCulture), .. banned, "", .. revokedKeys, "", .. tokenIds]);
        var etag = $"\"{version}-{Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(content)).AsSpan(0, 12))}\"";
        var signingKey = await keys.ActiveAsync(db, experimentId.Value, ct);
        return new RevocationDocument(list.Sign(signingKey.Credentials), etag, list);
    }

    /// <returns>The names that safely stand for banned accounts, and the peer keys of banned accounts whose names do not.</returns>
    private static async Task<(List<string> Names, List<string> PeerKeys)> BannedAsync(ModerationDb db, int experimentId, DateTimeOffset now, CancellationToken ct)
    {
        var bannedIds = db.Bans.ApplyingTo(experimentId).InForce(now).Select(b => b.UserId);
        var live = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experimentId && t.ExpiresAt > now && bannedIds.Contains(t.UserId))
            .Select(t => new { t.UserId, t.Username, t.PeerKeyFingerprint }).Distinct().ToListAsync(ct);
        if (live.Count == 0)
        {
            return ([], []);
        }
        var patterns = live.Select(t => TextQueries.Exactly(t.Username)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        // Everyone else known here by one of those names: holders of live tokens under it, and accounts whose current name it is.
        var others = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experimentId && t.ExpiresAt > now && patterns.Any(p => EF.Functions.ILike(t.Username, p)))
            .Select(t => new { t.UserId, t.Username })
            .Union(db.HfUsers.AsNoTracking().Where(u => patterns.Any(p => EF.Functions.ILike(u.Username, p))).Select(u => new { UserId = u.Id, u.Username }))
            .Distinct().ToListAsync(ct);
        var ambiguous = live.Where(t => others.Any(o => o.UserId != t.UserId && string.Equals(o.Username, t.Username, StringComparison.OrdinalIgnoreCase)))
            .Select(t => t.Username).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = live.Select(t => t.Username).Where(n => !ambiguous.Contains(n)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var keys = live.Where(t => ambiguous.Contains(t.Username)).Select(t => t.PeerKeyFingerprint).Distinct(StringComparer.Ordinal).ToList();
        return (names, keys);
    }
}
