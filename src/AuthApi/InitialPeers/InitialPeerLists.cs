using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.InitialPeers;

/// <summary>
/// Keeps <see cref="Experiment.PublishedInitialPeers"/> equal to what the experiment's active service keys published,
/// newest first, so the hot paths (joins) read it with the experiment instead of querying the keys.
/// </summary>
public static class InitialPeerLists
{
    /// <summary>How many published multiaddrs an experiment gives out at most (the newest).</summary>
    public const int MaxPublished = 2 * Multiaddrs.MaxCount;

    /// <summary>
    /// Recomputes the experiment's published initial peers inside the caller's transaction, after <paramref name="changed"/>
    /// (tracked) published or was revoked. Concurrent publishers of one experiment take turns on an advisory lock.
    /// </summary>
    public static async Task<Experiment> RepublishAsync(ModerationDb db, int experimentId, ServiceKey changed, CancellationToken ct)
    {
        await db.LockInitialPeersAsync(experimentId, ct);
        var experiment = await db.Experiments.FirstAsync(e => e.Id == experimentId, ct);
        var others = await db.ServiceKeys.AsNoTracking()
            .Where(k => k.ExperimentId == experimentId && k.Id != changed.Id && k.RevokedAt == null && k.InitialPeersPublishedAt != null)
            .Select(k => new { k.InitialPeers, k.InitialPeersPublishedAt }).ToListAsync(ct);
        var lists = others.Select(k => (k.InitialPeers, PublishedAt: k.InitialPeersPublishedAt!.Value)).ToList();
        if (changed.RevokedAt is null && changed.InitialPeersPublishedAt is { } at)
        {
            lists.Add((changed.InitialPeers, at));
        }
        experiment.PublishedInitialPeers = Multiaddrs.Merge([.. lists.OrderByDescending(l => l.PublishedAt).Select(l => l.InitialPeers)])
            .Take(MaxPublished).ToList();
        return experiment;
    }
}
