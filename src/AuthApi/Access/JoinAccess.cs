using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Access;

/// <summary>
/// The one place that decides who may join, by HF user id: not banned (in this experiment or globally), and the policy
/// is open, or the policy admits HF org members and the user is one, or the user is on the allowlist, or an
/// owner/moderator.
/// </summary>
public sealed class JoinAccess(ExperimentRoles roles, TimeProvider clock)
{
    public Task<AccessRefusal?> DecideAsync(ModerationDb db, Experiment experiment, Caller caller, CancellationToken ct, string? peerKeyFingerprint = null) =>
        DecideAsync(db, experiment, caller.User, caller.IsGlobalAdmin, ct, peerKeyFingerprint);

    /// <param name="peerKeyFingerprint">The key a join would sign, when there is one: a revoked key is refused too.</param>
    /// <returns>null when the user may join.</returns>
    public async Task<AccessRefusal?> DecideAsync(
        ModerationDb db, Experiment experiment, HfIdentity user, bool isGlobalAdmin, CancellationToken ct, string? peerKeyFingerprint = null)
    {
        // The ban, the revoked key and the allowlist entry in one round trip (a join reads them with the rest: JoinFacts).
        var now = clock.GetUtcNow();
        var userId = user.Id;
        var inForce = BanQueries.InForceAt(now);
        var facts = await db.Experiments.AsNoTracking().Where(e => e.Id == experiment.Id)
            .Select(e => new StandingFacts(
                db.Bans.Where(inForce).Where(b => b.UserId == userId && (b.ExperimentId == e.Id || b.ExperimentId == null))
                    .OrderBy(b => b.ExperimentId == null ? 0 : 1).FirstOrDefault(),
                peerKeyFingerprint != null && db.RevokedPeerKeys.Any(r => r.ExperimentId == e.Id && r.PeerKeyFingerprint == peerKeyFingerprint),
                db.AllowlistEntries.Any(a => a.ExperimentId == e.Id && a.UserId == userId)))
            .FirstOrDefaultAsync(ct);
        return Decide(experiment, user, isGlobalAdmin, facts ?? new StandingFacts(null, false, false), peerKeyFingerprint);
    }

    /// <summary>The rules, on facts read from the database: a ban, then a revoked key, then admission.</summary>
    /// <returns>null when the user may join.</returns>
    public AccessRefusal? Decide(Experiment experiment, HfIdentity user, bool isGlobalAdmin, StandingFacts facts, string? peerKeyFingerprint)
    {
        var name = $"{experiment.OrganizationName}/{experiment.ModelName}";
        if (facts.Ban is { } ban)
        {
            return new AccessRefusal(AccessRefusalKind.Banned, BanReason(user.Username, ban, name));
        }
        if (facts.KeyRevoked)
        {
            return new AccessRefusal(AccessRefusalKind.KeyRevoked, $"This peer key ({peerKeyFingerprint}) was revoked in {name}: generate a new key pair for your peer.");
        }
        if (facts.Allowlisted || Admits(experiment, user, isGlobalAdmin))
        {
            return null;
        }
        var orgHint = experiment.AccessPolicy == AccessPolicy.OrgMembers
            ? $" and not a member of the Hugging Face organization {experiment.OrganizationName}"
            : "";
        return new AccessRefusal(AccessRefusalKind.NotAdmitted, $"{user.Username} is not on the allowlist of {name}{orgHint}");
    }

    /// <summary>Of <paramref name="experiments"/>, the ids the caller may join (for lists: two queries for the whole page).</summary>
    public async Task<HashSet<int>> AdmittedAsync(ModerationDb db, IReadOnlyList<Experiment> experiments, Caller caller, CancellationToken ct)
    {
        var ids = experiments.Select(e => e.Id).ToList();
        var userId = caller.User.Id;
        var now = clock.GetUtcNow();
        var banned = await db.Bans.InForce(now).Where(b => b.UserId == userId && (b.ExperimentId == null || ids.Contains(b.ExperimentId.Value)))
            .Select(b => b.ExperimentId).ToListAsync(ct);
        if (banned.Contains(null))
        {
            return [];
        }
        var allowlisted = await db.AllowlistEntries.Where(a => a.UserId == userId && ids.Contains(a.ExperimentId)).Select(a => a.ExperimentId).ToListAsync(ct);
        return experiments.Where(e => !banned.Contains(e.Id) && (allowlisted.Contains(e.Id) || Admits(e, caller.User, caller.IsGlobalAdmin)))
            .Select(e => e.Id).ToHashSet();
    }

    /// <summary>The ban that keeps the user out of the experiment now (a global one first), if any.</summary>
    public Task<Ban?> BanInForceAsync(ModerationDb db, int experimentId, string userId, CancellationToken ct) =>
        db.Bans.AsNoTracking().ApplyingTo(experimentId).InForce(clock.GetUtcNow()).Where(b => b.UserId == userId)
            .OrderBy(b => b.ExperimentId == null ? 0 : 1).FirstOrDefaultAsync(ct);

    public static string BanReason(string username, Ban ban, string experimentName)
    {
        var scope = ban.ExperimentId is null ? "every experiment" : experimentName;
        var until = ban.ExpiresAt is { } expires ? $" until {expires:u}" : "";
        return $"{username} is banned from {scope}{until}: {ban.Reason}";
    }

    /// <summary>
    /// Admitted without an allowlist entry: a role here, the open policy, or org membership under the org policy. Bans are
    /// the caller's to check first (<see cref="Decide"/> does).
    /// </summary>
    public bool Admits(Experiment experiment, HfIdentity user, bool isGlobalAdmin) =>
        roles.RoleIn(experiment, user, isGlobalAdmin, Bans.BanStanding.Clear) != ExperimentRole.None || experiment.AccessPolicy == AccessPolicy.Open
        || (experiment.AccessPolicy == AccessPolicy.OrgMembers && user.IsMemberOf(experiment.OrganizationName));
}
