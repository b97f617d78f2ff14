using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Experiments;

/// <summary>
/// Experiments (with their members) for the join hot path, kept for one second. Writes through this replica's
/// endpoints evict at once; other replicas see a change within a second. Bans and the allowlist are never cached.
/// </summary>
public sealed class ExperimentCache(IMemoryCache cache, IOutputCacheStore outputCache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    public async Task<Experiment?> ByNameAsync(ModerationDb db, string org, string model, CancellationToken ct) =>
        await cache.GetOrCreateAsync(NameKey(org, model), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            return await db.Experiments.AsNoTracking().Include(e => e.Members)
                .FirstOrDefaultAsync(e => e.OrganizationName == org && e.ModelName == model, ct);
        });

    public async Task<Experiment?> ByIdAsync(ModerationDb db, int id, CancellationToken ct) =>
        await cache.GetOrCreateAsync(IdKey(id), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            return await db.Experiments.AsNoTracking().Include(e => e.Members).FirstOrDefaultAsync(e => e.Id == id, ct);
        });

    /// <summary>After a write: forget this experiment here, and the leaderboard answers that depend on its settings.</summary>
    public async Task EvictAsync(int id, string org, string model)
    {
        cache.Remove(NameKey(org, model));
        cache.Remove(IdKey(id));
        await outputCache.EvictByTagAsync(Contributions.LeaderboardEndpoints.CacheTag, CancellationToken.None);
    }

    private static string NameKey(string org, string model) => $"experiment:{org}/{model}";

    private static string IdKey(int id) => $"experiment:#{id}";
}
