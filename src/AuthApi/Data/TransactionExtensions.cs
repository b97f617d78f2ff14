using Microsoft.EntityFrameworkCore;

namespace Moderation.AuthApi.Data;

public static class TransactionExtensions
{
    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it. Moderation actions use this so the change, its
    /// revocation-list version and its audit entry are stored together or not at all.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(this ModerationDb db, Func<Task<T>> work, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await work();
        await transaction.CommitAsync(ct);
        return result;
    }
}
