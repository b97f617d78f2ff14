using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.JoinRequests;
using Moderation.AuthApi.Peers;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>
/// The one join, behind the native and the reference-compatible endpoints (each maps the outcome to its own wire shape):
/// the access decision, the peer key's one owner, the cap on live keys per user, then a reused or freshly signed token.
/// </summary>
public sealed class JoinService(
    ModerationDb db, JoinAccess access, PeerKeyOwners owners, PeerKeyConflicts conflicts, PeerTokenIssuer issuer,
    JoinRequestRecorder recorder, TimeProvider clock)
{
    /// <param name="jwtIssuer">The JWT <c>iss</c>, or null when the caller needs no JWT (reference join).</param>
    public async Task<JoinOutcome> JoinAsync(Experiment experiment, Caller caller, OpenSshRsaKey peerKey, string? jwtIssuer, CancellationToken ct)
    {
        var user = caller.User;
        var name = $"{experiment.OrganizationName}/{experiment.ModelName}";
        if (await access.DecideAsync(db, experiment, caller, ct, peerKey.Fingerprint) is { } refusal)
        {
            return refusal.Kind switch
            {
                AccessRefusalKind.Banned => new JoinOutcome(null, JoinRefusal.Banned, refusal.Reason),
                AccessRefusalKind.KeyRevoked => new JoinOutcome(null, JoinRefusal.KeyRevoked, refusal.Reason),
                _ => new JoinOutcome(null, JoinRefusal.NotAdmitted, await recorder.RecordRefusedJoinAsync(db, experiment, user, refusal.Reason, ct)),
            };
        }
        // A key known to be someone else's is refused before anything else; an unknown one is claimed with the token.
        if (owners.Known(peerKey.Fingerprint) is { } knownOwner && knownOwner != user.Id)
        {
            return await KeyTakenAsync(experiment, user, peerKey, knownOwner, ct);
        }
        // A token for this user and key exists only if the key is theirs.
        if (await issuer.ReusableAsync(db, experiment, user, peerKey, jwtIssuer is not null, ct) is { } reused)
        {
            return new JoinOutcome(reused);
        }
        if (await TooManyKeysAsync(experiment, user, peerKey.Fingerprint, ct) is { } retryAfter)
        {
            return new JoinOutcome(null, JoinRefusal.TooManyKeys,
                $"{user.Username} already holds live tokens for {experiment.MaxPeerKeysPerUser} peer keys in {name}, the most allowed: "
                + "reuse one of those keys, or wait until their tokens expire.", retryAfter);
        }
        var (issued, owner) = await issuer.IssueAsync(db, experiment, user, peerKey, jwtIssuer, ct);
        owners.Remember(peerKey.Fingerprint, owner);
        return issued is not null ? new JoinOutcome(issued) : await KeyTakenAsync(experiment, user, peerKey, owner, ct);
    }

    private async Task<JoinOutcome> KeyTakenAsync(Experiment experiment, HfIdentity user, OpenSshRsaKey peerKey, string owner, CancellationToken ct)
    {
        await conflicts.RecordAsync(db, experiment, peerKey.Fingerprint, user, owner, ct);
        return new JoinOutcome(null, JoinRefusal.KeyTaken,
            $"The peer key {peerKey.Fingerprint} belongs to another Hugging Face account: generate a key pair of your own for your peer. "
            + $"The attempt was recorded for the moderators of {experiment.OrganizationName}/{experiment.ModelName}.");
    }

    /// <returns>Null when one more key is allowed; else how long until the first of the user's live tokens expires.</returns>
    private async Task<TimeSpan?> TooManyKeysAsync(Experiment experiment, HfIdentity user, string fingerprint, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var live = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experiment.Id && t.UserId == user.Id && t.RevokedAt == null && t.ExpiresAt > now && t.PeerKeyFingerprint != fingerprint)
            .GroupBy(t => t.PeerKeyFingerprint)
            .Select(g => g.Max(t => t.ExpiresAt))
            .ToListAsync(ct);
        return live.Count < experiment.MaxPeerKeysPerUser ? null : live.Min() - now;
    }
}
