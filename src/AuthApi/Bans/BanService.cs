using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Bans;

/// <summary>Bans and unbans, by HF user id, shared by the API and the expiry job; each is one unit of work.</summary>
public sealed class BanService(ModerationDb db, UnitOfWork work, UserDirectory users, TimeProvider clock)
{
    public const string ExpiryActor = "system:ban-expiry";

    /// <returns>The ban and how many live tokens it revoked; null ban when one is already in force (nothing changed).</returns>
    public async Task<(Ban? Ban, int TokensRevoked)> BanAsync(Experiment? experiment, HfUserRef user, string actor, CreateBanRequest request, CancellationToken ct)
    {
        int? experimentId = experiment?.Id;
        return await work.RunAsync(async action =>
        {
            var now = clock.GetUtcNow();
            if (await db.Bans.InForce(now).AnyAsync(b => b.UserId == user.Id && b.ExperimentId == experimentId, ct))
            {
                return ((Ban?)null, 0);
            }
            await users.EnsureAsync(db, user, ct);
            var ban = new Ban
            {
                ExperimentId = experimentId, UserId = user.Id, Reason = request.Reason!, Evidence = request.Evidence, BannedBy = actor, CreatedAt = now,
                ExpiresAt = request.ExpiresAt,
            };
            db.Bans.Add(ban);
            var reason = $"banned: {request.Reason}";
            var revoked = await db.IssuedTokens
                .Where(t => t.UserId == user.Id && (experimentId == null || t.ExperimentId == experimentId) && t.RevokedAt == null && t.ExpiresAt > now)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedBy, actor)
                    .SetProperty(t => t.RevocationReason, reason.Length > 1000 ? reason[..1000] : reason), ct);
            await db.SaveChangesAsync(ct);
            action.RevokesOrRestores();
            action.Audit(new AuditRecord(experiment, actor, experiment is null ? "ban.global.created" : "ban.created", user.Username, request.Reason,
                After: new { ban.Id, user_id = user.Id, ban.ExpiresAt, ban.Evidence, tokens_revoked = revoked }));
            return ((Ban?)ban, revoked);
        }, ct, lockUser: (experimentId, user.Id));
    }

    /// <returns>The lifted ban, or null when none was in force.</returns>
    public Task<Ban?> UnbanAsync(Experiment? experiment, HfUserRef user, string actor, CancellationToken ct)
    {
        int? experimentId = experiment?.Id;
        return work.RunAsync(async action =>
        {
            var now = clock.GetUtcNow();
            var ban = await db.Bans.InForce(now).FirstOrDefaultAsync(b => b.UserId == user.Id && b.ExperimentId == experimentId, ct);
            if (ban is null)
            {
                return null;
            }
            ban.LiftedAt = now;
            ban.LiftedBy = actor;
            action.RevokesOrRestores();
            action.Audit(new AuditRecord(experiment, actor, experiment is null ? "ban.global.lifted" : "ban.lifted", user.Username,
                Before: new { ban.Id, user_id = user.Id, ban.Reason, ban.ExpiresAt }));
            return ban;
        }, ct, lockUser: (experimentId, user.Id));
    }

    /// <summary>Records the end of every temporary ban whose time is up (joins already ignore them).</summary>
    public async Task<int> LiftExpiredAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var expired = await db.Bans.Include(b => b.User).Where(b => b.LiftedAt == null && b.ExpiresAt != null && b.ExpiresAt <= now).ToListAsync(ct);
        if (expired.Count == 0)
        {
            return 0;
        }
        var experimentIds = expired.Select(b => b.ExperimentId).ToList();
        var experiments = await db.Experiments.AsNoTracking().Where(e => experimentIds.Contains(e.Id)).ToListAsync(ct);
        await work.RunAsync(action =>
        {
            action.RevokesOrRestores();
            foreach (var ban in expired)
            {
                ban.LiftedAt = ban.ExpiresAt;
                ban.LiftedBy = ExpiryActor;
                action.Audit(new AuditRecord(experiments.FirstOrDefault(e => e.Id == ban.ExperimentId), ExpiryActor,
                    ban.ExperimentId is null ? "ban.global.expired" : "ban.expired", ban.User?.Username ?? ban.UserId,
                    Before: new { ban.Id, user_id = ban.UserId, ban.Reason, ban.ExpiresAt }));
            }
            return Task.FromResult(true);
        }, ct);
        return expired.Count;
    }
}
