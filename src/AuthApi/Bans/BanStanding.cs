using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Bans;

/// <summary>
/// The bans in force on one user, as they bear on the user's powers: a ban removes every power in its scope — its
/// experiment, or every experiment for a global ban — until someone else lifts it (the banned user has no power left to
/// lift it with). Global admins cannot be banned (<see cref="BanActions"/>), so theirs stand.
/// </summary>
public sealed record BanStanding(bool Global, IReadOnlySet<int> Experiments)
{
    public static readonly BanStanding Clear = new(false, new HashSet<int>());

    public bool Binds(int experimentId) => Global || Experiments.Contains(experimentId);

    public static async Task<BanStanding> LoadAsync(ModerationDb db, string userId, DateTimeOffset now, CancellationToken ct)
    {
        var scopes = await db.Bans.AsNoTracking().InForce(now).Where(b => b.UserId == userId).Select(b => b.ExperimentId).ToListAsync(ct);
        return scopes.Count == 0 ? Clear : new BanStanding(scopes.Contains(null), scopes.OfType<int>().ToHashSet());
    }
}
