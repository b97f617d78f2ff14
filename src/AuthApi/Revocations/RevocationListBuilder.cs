using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Revocations;

/// <summary>
/// Builds and signs an experiment's revocation list. A ban is one entry (every name the banned account holds live tokens
/// under, and its current name), not one per token; token ids are listed only for tokens of individually revoked peer
/// keys, and only until they expire.
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
        var bannedIds = db.Bans.ApplyingTo(experimentId.Value).InForce(now).Select(b => b.UserId);
        var currentNames = db.HfUsers.Where(u => bannedIds.Contains(u.Id)).Select(u => u.Username);
        var tokenNames = db.IssuedTokens.Where(t => t.ExperimentId == experimentId && t.ExpiresAt > now && bannedIds.Contains(t.UserId)).Select(t => t.Username);
        var banned = (await currentNames.Union(tokenNames).ToListAsync(ct)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var revokedKeys = await db.RevokedPeerKeys.AsNoTracking().Where(r => r.ExperimentId == experimentId)
            .Select(r => r.PeerKeyFingerprint).OrderBy(f => f).ToListAsync(ct);
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
}
