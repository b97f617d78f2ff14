using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Identity;

/// <summary>The DPoP replay check, in PostgreSQL so that a proof used on one replica is refused on every other.</summary>
public sealed class UsedProofs(TimeProvider clock)
{
    /// <returns>False when this key already used this <paramref name="jti"/>.</returns>
    public async Task<bool> TryUseAsync(ModerationDb db, string fingerprint, string jti, DateTimeOffset expiresAt, CancellationToken ct) =>
        await db.Database.ExecuteSqlRawAsync(SqlNames.Statements<Statements>(db.Model).Use, [
            NpgsqlCommands.Parameter("fingerprint", fingerprint), NpgsqlCommands.Parameter("jti", jti), NpgsqlCommands.Parameter("expires", expiresAt),
        ], ct) == 1;

    /// <summary>Forgets proofs that would be refused as too old anyway.</summary>
    public Task<int> PurgeAsync(ModerationDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.UsedProofs.Where(p => p.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string Use { get; init; }

        public static Statements Build(SqlNames names)
        {
            var p = names.Table<UsedProof>();
            return new()
            {
                Use = $"""
                    INSERT INTO {p} ({p.Columns(x => x.PeerKeyFingerprint, x => x.Jti, x => x.ExpiresAt)}) VALUES (@fingerprint, @jti, @expires)
                    ON CONFLICT DO NOTHING
                    """,
            };
        }
    }
}
