using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>A peer token as issued (or re-issued), with the public key of the key that signed it.</summary>
public sealed record IssuedPeerToken(IssuedToken Record, HivemindAccess HivemindAccess, string AuthServerPublicKey);

/// <summary>
/// Signs peer tokens for users the access decision admitted: a hivemind_access token always, a PS256 JWT when asked.
/// A re-join with the same user, name and key gets the still-fresh token back instead of a new signature.
/// </summary>
public sealed class PeerTokenIssuer(KeyRing keys, TimeProvider clock, IOptions<TokenOptions> options)
{
    /// <summary>A token issued earlier for this user and key that is fresh enough to hand out again, if any.</summary>
    public async Task<IssuedPeerToken?> ReusableAsync(
        ModerationDb db, Experiment experiment, HfIdentity user, OpenSshRsaKey peerKey, bool wantJwt, CancellationToken ct)
    {
        var signingKey = await keys.ActiveAsync(db, experiment.Id, ct);
        var freshUntil = clock.GetUtcNow() + TimeSpan.FromMinutes(experiment.TokenLifetimeMinutes) * options.Value.ReuseWhileRemaining;
        var reusable = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experiment.Id && t.UserId == user.Id && t.PeerKeyFingerprint == peerKey.Fingerprint
                        && t.Username == user.Username && t.RevokedAt == null && t.ExpiresAt > freshUntil && t.Kid == signingKey.Kid
                        && (!wantJwt || t.Jwt != null))
            .OrderByDescending(t => t.ExpiresAt)
            .FirstOrDefaultAsync(ct);
        return reusable is null ? null : Describe(reusable, signingKey);
    }

    /// <param name="jwtIssuer">The JWT <c>iss</c>; null for a reference-compatible join, which needs no JWT.</param>
    public async Task<IssuedPeerToken> IssueAsync(
        ModerationDb db, Experiment experiment, HfIdentity user, OpenSshRsaKey peerKey, string? jwtIssuer, CancellationToken ct)
    {
        var signingKey = await keys.ActiveAsync(db, experiment.Id, ct);
        var now = clock.GetUtcNow();
        // Whole seconds: expiration_time then has no fraction, and matches the JWT's exp exactly.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((now + TimeSpan.FromMinutes(experiment.TokenLifetimeMinutes)).ToUnixTimeSeconds());
        var id = Guid.CreateVersion7();
        var record = new IssuedToken
        {
            Id = id,
            ExperimentId = experiment.Id,
            Username = user.Username,
            UserId = user.Id,
            PeerKeyFingerprint = peerKey.Fingerprint,
            PeerPublicKey = peerKey.Text,
            Kid = signingKey.Kid,
            IssuedAt = now,
            ExpiresAt = expiresAt,
            HivemindSignature = signingKey.SignHivemindAccess(HivemindAccess.SignedMessage(user.Username, peerKey.Text, expiresAt.UtcDateTime)),
            Jwt = jwtIssuer is null
                ? null
                : PeerJwt.Create(new PeerTokenClaims(jwtIssuer, user.Id, user.Username,
                    $"{experiment.OrganizationName}/{experiment.ModelName}", now.ToUnixTimeSeconds(), now.ToUnixTimeSeconds(),
                    expiresAt.ToUnixTimeSeconds(), id.ToString(), new Confirmation(peerKey.Fingerprint)), signingKey.Kid, signingKey.Rsa),
        };
        // A plain INSERT rather than change tracking: this is the join's hot path.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO issued_tokens (id, experiment_id, username, user_id, peer_key_fingerprint, peer_public_key, kid, issued_at,
                                       expires_at, hivemind_signature, jwt)
            VALUES ({record.Id}, {record.ExperimentId}, {record.Username}, {record.UserId}, {record.PeerKeyFingerprint},
                    {record.PeerPublicKey}, {record.Kid}, {record.IssuedAt}, {record.ExpiresAt}, {record.HivemindSignature}, {record.Jwt})
            """, ct);
        return Describe(record, signingKey);
    }

    private static IssuedPeerToken Describe(IssuedToken record, SigningKey signingKey) => new(
        record,
        new HivemindAccess(record.Username, record.PeerPublicKey, HivemindAccess.FormatExpiration(record.ExpiresAt.UtcDateTime), record.HivemindSignature),
        signingKey.PublicKeyOpenSsh);
}
