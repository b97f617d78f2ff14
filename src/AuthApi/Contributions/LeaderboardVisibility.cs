using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// Part of the leaderboard's output-cache policy: before a cached answer is looked up, whether the leaderboard is public is
/// read from the database itself (one indexed row, not the per-replica experiment cache), and a hidden or unknown one is
/// neither served from nor stored in the cache. Hiding a leaderboard thus takes effect at once on every replica, though
/// each keeps its own output cache.
/// </summary>
public sealed class LeaderboardVisibility : IOutputCachePolicy
{
    public async ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var route = context.HttpContext.Request.RouteValues;
        if (route["org"] is not string org || route["model"] is not string model)
        {
            return;
        }
        var db = context.HttpContext.RequestServices.GetRequiredService<ModerationDb>();
        var visible = await db.Experiments.AsNoTracking().Where(e => e.OrganizationName == org && e.ModelName == model)
            .Select(e => e.LeaderboardVisible).FirstOrDefaultAsync(cancellation);
        if (!visible)
        {
            context.AllowCacheLookup = false;
            context.AllowCacheStorage = false;
        }
    }

    public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
}
