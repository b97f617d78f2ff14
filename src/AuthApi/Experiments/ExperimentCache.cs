using System.ComponentModel;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Experiments;

/// <summary>
/// Experiments (with their members) for the hot paths, kept for one second in <see cref="HybridCache"/>: concurrent
/// misses share one query. Every caller gets the same instance (no copy per request): read it, never change it or attach
/// it to a DbContext. Writes through this replica evict at once; other replicas see a change within a second. Bans and
/// the allowlist are never cached.
/// </summary>
public sealed class ExperimentCache(HybridCache cache, IOutputCacheStore outputCache, IServiceProvider services)
{
    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromSeconds(1), LocalCacheExpiration = TimeSpan.FromSeconds(1) };

    public async Task<Experiment?> ByNameAsync(ModerationDb db, string org, string model, CancellationToken ct) =>
        (await cache.GetOrCreateAsync(NameKey(org, model), (db, org, model), static async (s, ct) =>
            new Shared(await s.db.Experiments.AsNoTracking().Include(e => e.Members)
                .FirstOrDefaultAsync(e => e.OrganizationName == s.org && e.ModelName == s.model, ct)), Entry, cancellationToken: ct)).Experiment;

    public async Task<Experiment?> ByIdAsync(ModerationDb db, int id, CancellationToken ct) =>
        (await cache.GetOrCreateAsync(IdKey(id), (db, id), static async (s, ct) =>
            new Shared(await s.db.Experiments.AsNoTracking().Include(e => e.Members).FirstOrDefaultAsync(e => e.Id == s.id, ct)), Entry,
            cancellationToken: ct)).Experiment;

    /// <summary>After a write: forget this experiment here, and the answers that depend on its settings.</summary>
    public async Task EvictAsync(int id, string org, string model)
    {
        await cache.RemoveAsync([NameKey(org, model), IdKey(id)]);
        services.GetRequiredService<Checkpoints.CurrentCheckpointDocuments>().Evict(org, model);
        await outputCache.EvictByTagAsync(Contributions.LeaderboardEndpoints.CacheTag, CancellationToken.None);
    }

    private static string NameKey(string org, string model) => $"experiment:{org}/{model}";

    private static string IdKey(int id) => $"experiment:#{id}";

    /// <summary>
    /// Marked immutable so that <see cref="HybridCache"/> hands out the instance it holds instead of deserializing a copy
    /// for every request (that copy was a JSON round trip per join).
    /// </summary>
    [ImmutableObject(true)]
    private sealed record Shared(Experiment? Experiment);
}
