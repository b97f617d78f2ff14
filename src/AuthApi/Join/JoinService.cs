using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.JoinRequests;
using Moderation.AuthApi.Keys;
using Moderation.AuthApi.Peers;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>
/// The one join, behind the native and the reference-compatible endpoints (each maps the outcome to its own wire shape):
/// a re-join from memory when nothing has changed (<see cref="RejoinMemory"/>); else one statement for the user's
/// standing, the key's owner, a reusable token and the user's live keys (<see cref="JoinFacts"/>), then the access
/// decision, the peer key's one owner, the cap on live keys per user, and a reused or freshly signed token. The cap is
/// checked again where it cannot race, in the group commit that stores the token (<see cref="PeerKeyCap"/>).
/// </summary>
public sealed class JoinService(
    ModerationDb db, JoinAccess access, KeyRing keys, RejoinMemory rejoins, StandingVersion standing, PeerKeyConflicts conflicts,
    PeerTokenIssuer issuer, JoinRequestRecorder recorder, TimeProvider clock)
{
    /// <param name="jwtIssuer">The JWT <c>iss</c>, or null when the caller needs no JWT (reference join).</param>
    public async Task<JoinOutcome> JoinAsync(Experiment experiment, Caller caller, OpenSshRsaKey peerKey, string? jwtIssuer, CancellationToken ct)
    {
        var user = caller.User;
        var fingerprint = peerKey.Fingerprint;
        var signingKey = await keys.ActiveAsync(db, experiment.Id, ct);
        if (await rejoins.FindAsync(experiment, caller, fingerprint, signingKey.Kid, jwtIssuer is not null) is { } remembered)
        {
            return new JoinOutcome(remembered);
        }
        var before = standing.Now();
        var facts = await JoinFacts.ReadAsync(
            db, experiment.Id, user, fingerprint, signingKey.Kid, jwtIssuer is not null, before.At, rejoins.FreshUntil(experiment), ct);
        standing.Observed(before, facts.RevocationVersion);
        if (access.Decide(experiment, user, caller.IsGlobalAdmin, facts.Standing, fingerprint) is { } refusal)
        {
            return refusal.Kind switch
            {
                AccessRefusalKind.Banned => new JoinOutcome(null, JoinRefusal.Banned, refusal.Reason),
                AccessRefusalKind.KeyRevoked => new JoinOutcome(null, JoinRefusal.KeyRevoked, refusal.Reason),
                _ => new JoinOutcome(null, JoinRefusal.NotAdmitted, await recorder.RecordRefusedJoinAsync(db, experiment, user, refusal.Reason, ct)),
            };
        }
        // A key someone else owns is refused before anything else; an unknown one is claimed with the token.
        if (facts.KeyOwner is { } owner && owner != user.Id)
        {
            return await KeyTakenAsync(experiment, user, peerKey, owner, ct);
        }
        if (facts.Reusable is { } reusable)
        {
            var reused = PeerTokenIssuer.Describe(reusable, signingKey);
            rejoins.Remember(experiment, reused, facts.RevocationVersion, facts.Standing.Allowlisted);
            return new JoinOutcome(reused);
        }
        if (facts.OtherLiveKeys >= experiment.MaxPeerKeysPerUser)
        {
            return await TooManyKeysAsync(experiment, user, fingerprint, ct);
        }
        var (issued, keyOwner) = await issuer.IssueAsync(experiment, user, peerKey, signingKey, jwtIssuer);
        return (issued, keyOwner) switch
        {
            (not null, _) => new JoinOutcome(issued),
            (null, { } other) => await KeyTakenAsync(experiment, user, peerKey, other, ct),
            // Joins of this user sent at the same moment took the last free places: the group commit refused this one.
            _ => await TooManyKeysAsync(experiment, user, fingerprint, ct),
        };
    }

    private async Task<JoinOutcome> KeyTakenAsync(Experiment experiment, HfIdentity user, OpenSshRsaKey peerKey, string owner, CancellationToken ct)
    {
        await conflicts.RecordAsync(db, experiment, peerKey.Fingerprint, user, owner, ct);
        return new JoinOutcome(null, JoinRefusal.KeyTaken,
            $"The peer key {peerKey.Fingerprint} belongs to another Hugging Face account: generate a key pair of your own for your peer. "
            + $"The attempt was recorded for the moderators of {experiment.OrganizationName}/{experiment.ModelName}.");
    }

    /// <summary>The refusal for one key too many, saying how long until the first of the user's live keys frees up.</summary>
    private async Task<JoinOutcome> TooManyKeysAsync(Experiment experiment, HfIdentity user, string fingerprint, CancellationToken ct)
    {
        var retryAfter = await JoinFacts.FirstKeyFreesAsync(db, experiment.Id, user.Id, fingerprint, clock.GetUtcNow(), ct);
        return new JoinOutcome(null, JoinRefusal.TooManyKeys,
            $"{user.Username} already holds live tokens for {experiment.MaxPeerKeysPerUser} peer keys in "
            + $"{experiment.OrganizationName}/{experiment.ModelName}, the most allowed: reuse one of those keys, or wait until their tokens expire.",
            retryAfter);
    }
}
