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
        (await db.Database.SqlQuery<long>($"UPDATE revocation_states SET version = version + 1 WHERE id = 1 RETURNING version AS \"Value\"")
            .ToListAsync(ct)).Single();

    public static Task<long> CurrentRevocationVersionAsync(this ModerationDb db, CancellationToken ct) =>
        db.RevocationStates.AsNoTracking().Where(r => r.Id == 1).Select(r => r.Version).SingleAsync(ct);
}
