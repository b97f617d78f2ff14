using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;

namespace Moderation.AuthApi.Join;

/// <summary>
/// Everything one join needs from the database, read by one statement (one snapshot): the user's standing (the ban in
/// force, the key's revocation, the allowlist entry), the revocation version that standing was read at, the key's owner,
/// a token still fresh enough to hand out again, and how many other peer keys the user holds live tokens for.
/// </summary>
public sealed record JoinFacts(StandingFacts Standing, long RevocationVersion, string? KeyOwner, IssuedToken? Reusable, int OtherLiveKeys)
{
    /// <param name="activeKid">Only a token signed by the active key is handed out again.</param>
    /// <param name="freshUntil">Only a token that expires after this is handed out again.</param>
    public static async Task<JoinFacts> ReadAsync(ModerationDb db, int experimentId, HfIdentity user, string fingerprint, string activeKid,
        bool wantJwt, DateTimeOffset now, DateTimeOffset freshUntil, CancellationToken ct)
    {
        var userId = user.Id;
        var username = user.Username;
        var inForce = BanQueries.InForceAt(now);
        var tokens = db.IssuedTokens.Where(t => t.ExperimentId == experimentId && t.UserId == userId && t.RevokedAt == null);
        var facts = await db.RevocationStates.AsNoTracking().Where(r => r.Id == 1)
            .Select(r => new
            {
                r.Version,
                Ban = db.Bans.Where(inForce).Where(b => b.UserId == userId && (b.ExperimentId == experimentId || b.ExperimentId == null))
                    .OrderBy(b => b.ExperimentId == null ? 0 : 1).FirstOrDefault(),
                KeyRevoked = db.RevokedPeerKeys.Any(k => k.ExperimentId == experimentId && k.PeerKeyFingerprint == fingerprint),
                Allowlisted = db.AllowlistEntries.Any(a => a.ExperimentId == experimentId && a.UserId == userId),
                KeyOwner = db.PeerKeys.Where(k => k.Fingerprint == fingerprint).Select(k => k.UserId).FirstOrDefault(),
                // A token for this user and key exists only if the key is theirs.
                Reusable = tokens.Where(t => t.PeerKeyFingerprint == fingerprint && t.Username == username && t.ExpiresAt > freshUntil
                                             && t.Kid == activeKid && (!wantJwt || t.Jwt != null))
                    .OrderByDescending(t => t.ExpiresAt).FirstOrDefault(),
                OtherLiveKeys = tokens.Where(t => t.ExpiresAt > now && t.PeerKeyFingerprint != fingerprint)
                    .Select(t => t.PeerKeyFingerprint).Distinct().Count(),
            })
            .SingleAsync(ct);
        return new JoinFacts(new StandingFacts(facts.Ban, facts.KeyRevoked, facts.Allowlisted), facts.Version, facts.KeyOwner, facts.Reusable,
            facts.OtherLiveKeys);
    }

    /// <summary>How long until the first of the user's live peer keys (other than <paramref name="fingerprint"/>) frees up: its last token expires.</summary>
    public static async Task<TimeSpan> FirstKeyFreesAsync(ModerationDb db, int experimentId, string userId, string fingerprint, DateTimeOffset now, CancellationToken ct)
    {
        var live = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experimentId && t.UserId == userId && t.RevokedAt == null && t.ExpiresAt > now && t.PeerKeyFingerprint != fingerprint)
            .GroupBy(t => t.PeerKeyFingerprint)
            .Select(g => g.Max(t => t.ExpiresAt))
            .ToListAsync(ct);
        return live.Count == 0 ? TimeSpan.Zero : live.Min() - now;
    }
}
