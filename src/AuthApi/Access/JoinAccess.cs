using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Access;

/// <summary>Why a join was refused. <see cref="Reason"/> is written for the person refused.</summary>
public sealed record AccessRefusal(bool Banned, string Reason);

/// <summary>
/// The one place that decides who may join: not banned (in this experiment or globally), and the policy is open, or
/// the policy admits HF org members and the user is one, or the user is on the allowlist, or an owner/moderator.
/// </summary>
public sealed class JoinAccess(ExperimentRoles roles, TimeProvider clock)
{
    /// <param name="peerKeyFingerprint">The key a join would sign, when there is one: a revoked key is refused too.</param>
    /// <returns>null when the user may join.</returns>
    public async Task<AccessRefusal?> DecideAsync(
        ModerationDb db, Experiment experiment, HfIdentity user, CancellationToken ct, string? peerKeyFingerprint = null)
    {
        var name = $"{experiment.OrganizationName}/{experiment.ModelName}";
        // The ban and the revoked key in one round trip: this is the join's hot path.
        var now = clock.GetUtcNow();
        var username = user.Username;
        var checks = await db.Experiments.AsNoTracking().Where(e => e.Id == experiment.Id)
            .Select(e => new
            {
                Ban = db.Bans.Where(b => b.Username == username && (b.ExperimentId == e.Id || b.ExperimentId == null)
                                         && b.LiftedAt == null && (b.ExpiresAt == null || b.ExpiresAt > now))
                    .OrderBy(b => b.ExperimentId == null ? 0 : 1).FirstOrDefault(),
                KeyRevoked = peerKeyFingerprint != null
                             && db.RevokedPeerKeys.Any(r => r.ExperimentId == e.Id && r.PeerKeyFingerprint == peerKeyFingerprint),
            })
            .FirstOrDefaultAsync(ct);
        if (checks?.Ban is { } ban)
        {
            var scope = ban.ExperimentId is null ? "every experiment" : name;
            var until = ban.ExpiresAt is { } expires ? $" until {expires:u}" : "";
            return new AccessRefusal(true, $"{user.Username} is banned from {scope}{until}: {ban.Reason}");
        }

        if (checks?.KeyRevoked == true)
        {
            return new AccessRefusal(true, $"This peer key ({peerKeyFingerprint}) was revoked in {name}: generate a new key pair for your peer.");
        }
        if (roles.RoleIn(experiment, user) != ExperimentRole.None || experiment.AccessPolicy == AccessPolicy.Open
            || (experiment.AccessPolicy == AccessPolicy.OrgMembers && user.IsMemberOf(experiment.OrganizationName)))
        {
            return null;
        }
        if (await db.AllowlistEntries.AnyAsync(a => a.ExperimentId == experiment.Id && a.Username == user.Username, ct))
        {
            return null;
        }
        var orgHint = experiment.AccessPolicy == AccessPolicy.OrgMembers
            ? $" and not a member of the Hugging Face organization {experiment.OrganizationName}"
            : "";
        return new AccessRefusal(false, $"{user.Username} is not on the allowlist of {name}{orgHint}");
    }

    /// <summary>The ban that keeps <paramref name="username"/> out of the experiment now (a global one first), if any.</summary>
    public Task<Ban?> BanInForceAsync(ModerationDb db, int experimentId, string username, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Bans.AsNoTracking()
            .Where(b => b.Username == username && (b.ExperimentId == experimentId || b.ExperimentId == null)
                        && b.LiftedAt == null && (b.ExpiresAt == null || b.ExpiresAt > now))
            .OrderBy(b => b.ExperimentId == null ? 0 : 1)
            .FirstOrDefaultAsync(ct);
    }
}
