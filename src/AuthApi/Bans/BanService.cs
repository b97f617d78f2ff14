using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Revocations;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Bans;

/// <summary>Bans and unbans, shared by the API and the expiry job: each is one transaction with its revocations, list version and audit entry.</summary>
public sealed class BanService(AuditLog audit, RevocationChanges changes, TimeProvider clock)
{
    /// <returns>The ban and how many live tokens it revoked; null ban when one is already in force (nothing changed).</returns>
    public async Task<(Ban? Ban, int TokensRevoked)> BanAsync(
        ModerationDb db, Experiment? experiment, string actor, CreateBanRequest request, CancellationToken ct)
    {
        var username = request.Username!;
        int? experimentId = experiment?.Id;
        var result = await db.InTransactionAsync(async () =>
        {
            await db.LockUserAsync(experiment?.Id, username, ct);
            var now = clock.GetUtcNow();
            var duplicate = await db.Bans.AnyAsync(b => b.Username == username && b.ExperimentId == experimentId
                && b.LiftedAt == null && (b.ExpiresAt == null || b.ExpiresAt > now), ct);
            if (duplicate)
            {
                return ((Ban?)null, 0);
            }
            var ban = new Ban
            {
                ExperimentId = experiment?.Id,
                Username = username,
                Reason = request.Reason!,
                Evidence = request.Evidence,
                BannedBy = actor,
                CreatedAt = now,
                ExpiresAt = request.ExpiresAt,
            };
            db.Bans.Add(ban);
            var reason = $"banned: {request.Reason}";
            var revoked = await db.IssuedTokens
                .Where(t => t.Username == username && (experimentId == null || t.ExperimentId == experimentId) && t.RevokedAt == null && t.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedBy, actor)
                    .SetProperty(t => t.RevocationReason, reason.Length > 1000 ? reason[..1000] : reason), ct);
            await db.BumpRevocationVersionAsync(ct);
            await db.SaveChangesAsync(ct);
            await audit.AppendAsync(db, new AuditRecord(experiment, actor, experiment is null ? "ban.global.created" : "ban.created", username,
                request.Reason, After: new { ban.Id, ban.ExpiresAt, ban.Evidence, tokens_revoked = revoked }), ct);
            await db.SaveChangesAsync(ct);
            return ((Ban?)ban, revoked);
        }, ct);
        changes.Committed();
        return result;
    }

    /// <returns>The lifted ban, or null when none was in force.</returns>
    public async Task<Ban?> UnbanAsync(ModerationDb db, Experiment? experiment, string username, string actor, CancellationToken ct)
    {
        int? experimentId = experiment?.Id;
        var lifted = await db.InTransactionAsync(async () =>
        {
            await db.LockUserAsync(experiment?.Id, username, ct);
            var now = clock.GetUtcNow();
            var ban = await db.Bans.FirstOrDefaultAsync(b => b.Username == username && b.ExperimentId == experimentId
                && b.LiftedAt == null && (b.ExpiresAt == null || b.ExpiresAt > now), ct);
            if (ban is null)
            {
                return null;
            }
            ban.LiftedAt = now;
            ban.LiftedBy = actor;
            await db.BumpRevocationVersionAsync(ct);
            await audit.AppendAsync(db, new AuditRecord(experiment, actor, experiment is null ? "ban.global.lifted" : "ban.lifted", username,
                Before: new { ban.Id, ban.Reason, ban.ExpiresAt }), ct);
            await db.SaveChangesAsync(ct);
            return ban;
        }, ct);
        changes.Committed();
        return lifted;
    }

    /// <summary>Records the end of every temporary ban whose time is up (joins already ignore them).</summary>
    public async Task<int> LiftExpiredAsync(ModerationDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var expired = await db.Bans.Where(b => b.LiftedAt == null && b.ExpiresAt != null && b.ExpiresAt <= now).ToListAsync(ct);
        if (expired.Count == 0)
        {
            return 0;
        }
        var experiments = await db.Experiments.AsNoTracking().Where(e => expired.Select(b => b.ExperimentId).Contains(e.Id)).ToListAsync(ct);
        await db.InTransactionAsync(async () =>
        {
            await db.BumpRevocationVersionAsync(ct);
            foreach (var ban in expired)
            {
                ban.LiftedAt = ban.ExpiresAt;
                ban.LiftedBy = "system:ban-expiry";
                await audit.AppendAsync(db, new AuditRecord(experiments.FirstOrDefault(e => e.Id == ban.ExperimentId), "system:ban-expiry",
                    ban.ExperimentId is null ? "ban.global.expired" : "ban.expired", ban.Username, Before: new { ban.Id, ban.Reason, ban.ExpiresAt }), ct);
            }
            return await db.SaveChangesAsync(ct);
        }, ct);
        changes.Committed();
        return expired.Count;
    }
}
