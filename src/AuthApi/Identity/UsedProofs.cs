using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Identity;

/// <summary>The DPoP replay check, in PostgreSQL so that a proof used on one replica is refused on every other.</summary>
public sealed class UsedProofs(TimeProvider clock)
{
    /// <returns>False when this key already used this <paramref name="jti"/>.</returns>
    public async Task<bool> TryUseAsync(ModerationDb db, string fingerprint, string jti, DateTimeOffset expiresAt, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO used_proofs (peer_key_fingerprint, jti, expires_at) VALUES ({fingerprint}, {jti}, {expiresAt})
            ON CONFLICT DO NOTHING
            """, ct) == 1;

    /// <summary>Forgets proofs that would be refused as too old anyway.</summary>
    public Task<int> PurgeAsync(ModerationDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.UsedProofs.Where(p => p.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }
}

/// <summary>Hourly: forgets DPoP proofs too old to be accepted anyway.</summary>
public sealed class UsedProofPurgeJob(ModerationDb db, UsedProofs proofs)
{
    public const string RecurringJobId = "purge-used-proofs";

    public Task<int> RunAsync(CancellationToken ct) => proofs.PurgeAsync(db, ct);
}
