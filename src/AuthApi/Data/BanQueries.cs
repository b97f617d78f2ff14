using System.Linq.Expressions;

namespace Moderation.AuthApi.Data;

/// <summary>The one definition of "a ban in force", for queries (the same rule as <see cref="Ban.IsInForce"/>).</summary>
public static class BanQueries
{
    public static Expression<Func<Ban, bool>> InForceAt(DateTimeOffset now) =>
        b => b.LiftedAt == null && (b.ExpiresAt == null || b.ExpiresAt > now);

    public static IQueryable<Ban> InForce(this IQueryable<Ban> bans, DateTimeOffset now) => bans.Where(InForceAt(now));

    /// <summary>Bans that apply in <paramref name="experimentId"/>: its own and the global ones.</summary>
    public static IQueryable<Ban> ApplyingTo(this IQueryable<Ban> bans, int experimentId) =>
        bans.Where(b => b.ExperimentId == experimentId || b.ExperimentId == null);
}
