using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>
/// Signs peer tokens for users the access decision admitted: a hivemind_access token always, a PS256 JWT when asked.
/// (A re-join with the same user, name and key gets the still-fresh token back instead: see JoinService.)
/// </summary>
public sealed class PeerTokenIssuer(IssuedTokenWriter writer, TimeProvider clock)
{
    /// <summary>Signs a token and stores it together with the claim of its peer key for the user.</summary>
    /// <param name="jwtIssuer">The JWT <c>iss</c>; null for a reference-compatible join, which needs no JWT.</param>
    /// <returns>
    /// The key's owner, and the token when that owner is the user (else nothing was stored); no owner when the token would
    /// have taken the user over the experiment's cap on live peer keys (nothing was stored or claimed).
    /// </returns>
    public async Task<(IssuedPeerToken? Token, string? KeyOwner)> IssueAsync(
        Experiment experiment, HfIdentity user, OpenSshRsaKey peerKey, SigningKey signingKey, string? jwtIssuer)
    {
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
                    expiresAt.ToUnixTimeSeconds(), id.ToString(), new Confirmation(peerKey.Fingerprint)), signingKey.Credentials),
        };
        // Claimed and stored with the joins that arrive meanwhile, in one commit; answered once that commit is durable.
        var owner = await writer.WriteAsync(record, experiment.MaxPeerKeysPerUser);
        return (owner == user.Id ? Describe(record, signingKey) : null, owner);
    }

    /// <summary>The token as handed out, from its stored record.</summary>
    public static IssuedPeerToken Describe(IssuedToken record, SigningKey signingKey) => new(
        record,
        new HivemindAccess(record.Username, record.PeerPublicKey, HivemindAccess.FormatExpiration(record.ExpiresAt.UtcDateTime), record.HivemindSignature),
        signingKey.PublicKeyOpenSsh);
}
