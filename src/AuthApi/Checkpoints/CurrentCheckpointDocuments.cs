using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Checkpoints;

/// <summary>
/// Serves the current-checkpoint document cheaply: which checkpoint is current is looked up at most once a second per
/// experiment on each replica, and a document is signed once per change (its ETag names the checkpoint and the rollbacks
/// so far), not once per request. Its <c>issued_at</c> is the time of the experiment's last change that can move the
/// current checkpoint (a registration, a quarantine, a rollback that succeeded), the same on every replica: peers keep the
/// document issued last, so a checkpoint current again after a quarantine must be issued later than the one quarantined,
/// which a document signed when it was current before (and kept) was not.
/// </summary>
public sealed class CurrentCheckpointDocuments(IMemoryCache cache, ExperimentCache experiments, KeyRing keys, TimeProvider clock)
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepSigned = TimeSpan.FromMinutes(10);

    /// <returns>The document; null when there is no such experiment (<paramref name="exists"/> false) or no checkpoint to offer yet.</returns>
    public async Task<(bool Exists, CurrentCheckpointDocument? Document)> GetAsync(ModerationDb db, string org, string model, CancellationToken ct) =>
        await cache.GetOrCreateAsync(CacheKey(org, model), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CheckEvery;
            var experiment = await experiments.ByNameAsync(db, org, model, ct);
            if (experiment is null)
            {
                return (false, null);
            }
            var current = await db.Checkpoints.AsNoTracking()
                .Where(c => c.ExperimentId == experiment.Id && c.Status == CheckpointStatus.Active)
                .OrderByDescending(c => c.Step).ThenByDescending(c => c.Id)
                .Select(c => new
                {
                    Checkpoint = c,
                    Rollbacks = db.Rollbacks.Count(r => r.ExperimentId == experiment.Id && r.Status == RollbackStatus.Succeeded),
                    RollbackId = db.Rollbacks.Where(r => r.CheckpointId == c.Id && r.Status == RollbackStatus.Succeeded)
                        .OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefault(),
                    Registered = db.Checkpoints.Where(o => o.ExperimentId == experiment.Id).Max(o => (DateTimeOffset?)o.RegisteredAt),
                    Quarantined = db.Checkpoints.Where(o => o.ExperimentId == experiment.Id).Max(o => o.QuarantinedAt),
                    RolledBack = db.Rollbacks.Where(r => r.ExperimentId == experiment.Id && r.Status == RollbackStatus.Succeeded).Max(r => r.FinishedAt),
                })
                .FirstOrDefaultAsync(ct);
            if (current is null)
            {
                return (true, null);
            }
            var c = current.Checkpoint;
            var changedAt = new[] { current.Registered, current.Quarantined, current.RolledBack }.Max() ?? clock.GetUtcNow();
            var etag = $"\"{c.Id}-{current.Rollbacks}-{Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(c.Revision)).AsSpan(0, 8))}\"";
            var document = await cache.GetOrCreateAsync($"current-checkpoint-signed:{experiment.Id}:{etag}:{changedAt.UtcTicks}", async signed =>
            {
                signed.SlidingExpiration = KeepSigned;
                var signingKey = await keys.ActiveAsync(db, experiment.Id, ct);
                var payload = new CurrentCheckpoint($"{org}/{model}", c.Id, c.Repository, c.Revision, c.Step, current.RollbackId, changedAt.ToUnixTimeSeconds());
                return new CurrentCheckpointDocument(CompactJws.Sign(payload, CurrentCheckpoint.Type, signingKey.Credentials), etag);
            });
            return (true, document);
        });

    /// <summary>Forget which checkpoint is current (this replica, after a registration, quarantine or rollback here).</summary>
    public void Evict(string org, string model) => cache.Remove(CacheKey(org, model));

    private static string CacheKey(string org, string model) => $"current-checkpoint:{org}/{model}";
}
