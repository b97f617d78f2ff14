using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>
/// Whether a peer token is active right now, as the server knows it: the offline checks of the Contracts verifier
/// (signature, audience, expiry, binding) plus the revocations and bans in the database at this moment. One verifier is
/// kept per published key set (and audience and issuer), so its validation parameters and parsed peer keys are reused.
/// </summary>
public sealed class PeerTokenInspector(KeyRing keys, JoinAccess access, TimeProvider clock)
{
    // The issuer comes from the request when no public origin is configured, so each key set keeps only a few.
    private const int VerifiersPerKeySet = 16;
    private readonly ConditionalWeakTable<ExperimentKeySet, ConcurrentDictionary<(string Audience, string Issuer), PeerTokenVerifier>> _verifiers = new();

    /// <param name="issuer">This service's public origin, which its JWTs name as <c>iss</c>.</param>
    /// <param name="jwt">A peer JWT (decoded by <see cref="PeerJwt.Read"/>), or null to inspect <paramref name="hivemindAccess"/>.</param>
    public async Task<PeerTokenVerification> InspectAsync(
        ModerationDb db, Experiment experiment, string issuer, PeerJwt.ParsedJwt? jwt, HivemindAccess? hivemindAccess, CancellationToken ct)
    {
        var audience = $"{experiment.OrganizationName}/{experiment.ModelName}";
        var verifier = Verifier(await keys.PublishedKeySetAsync(db, experiment.Id, ct), audience, issuer);
        var result = jwt is not null ? await verifier.VerifyJwtAsync(jwt) : verifier.VerifyHivemindAccess(hivemindAccess!);
        if (!result.IsValid)
        {
            return result;
        }

        var tokens = db.IssuedTokens.AsNoTracking().Where(t => t.ExperimentId == experiment.Id);
        tokens = Guid.TryParse(result.TokenId, out var id) ? tokens.Where(t => t.Id == id)
            : tokens.Where(t => t.HivemindSignature == hivemindAccess!.Signature);
        var issued = await tokens.Select(t => new
            {
                t.UserId,
                Revoked = t.RevokedAt != null || db.RevokedPeerKeys.Any(r => r.ExperimentId == experiment.Id && r.PeerKeyFingerprint == t.PeerKeyFingerprint),
            })
            .FirstOrDefaultAsync(ct);
        if (issued is null)
        {
            return PeerTokenVerification.Invalid("This server has no record of issuing the token.");
        }
        if (await access.BanInForceAsync(db, experiment.Id, issued.UserId, ct) is not null)
        {
            // Anyone may introspect: the moderator's reason is for the banned user (their membership) and moderators only.
            return PeerTokenVerification.Invalid($"{result.Username} is banned.");
        }
        if (issued.Revoked)
        {
            return PeerTokenVerification.Invalid("The token was revoked.");
        }
        return result;
    }

    private PeerTokenVerifier Verifier(ExperimentKeySet keySet, string audience, string issuer)
    {
        var verifiers = _verifiers.GetValue(keySet, _ => new());
        if (verifiers.TryGetValue((audience, issuer), out var verifier))
        {
            return verifier;
        }
        if (verifiers.Count >= VerifiersPerKeySet)
        {
            verifiers.Clear();
        }
        return verifiers.GetOrAdd((audience, issuer), key => new PeerTokenVerifier(keySet, key.Audience, key.Issuer, clock));
    }
}
