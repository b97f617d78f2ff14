using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Revocations;

public static class RevocationVersion
{
    /// <summary>
    /// Increments the version every revocation list carries, inside the caller's transaction: the new version becomes
    /// visible together with the ban or revocation it announces. Take it before appending the audit entry (one lock order).
    /// </summary>
    public static async Task<long> BumpRevocationVersionAsync(this ModerationDb db, CancellationToken ct) =>
        (await db.Database.SqlQueryRaw<long>(SqlNames.Statements<Statements>(db.Model).Bump).ToListAsync(ct)).Single();

    public static Task<long> CurrentRevocationVersionAsync(this ModerationDb db, CancellationToken ct) =>
        db.RevocationStates.AsNoTracking().Where(r => r.Id == 1).Select(r => r.Version).SingleAsync(ct);

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string Bump { get; init; }

        public static Statements Build(SqlNames names)
        {
            var s = names.Table<RevocationState>();
            var version = s[x => x.Version];
            return new() { Bump = $"UPDATE {s} SET {version} = {version} + 1 WHERE {s[x => x.Id]} = 1 RETURNING {version} AS \"Value\"" };
        }
    }
}
