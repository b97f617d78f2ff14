using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Turns the names people type into accounts, and keeps the <c>hf_users</c> table (id → current name, for display) up
/// to date. A typed name is resolved through the Hub (any letter case, canonical spelling); a name the Hub no longer
/// knows (a deleted account) is matched against the accounts this service has seen.
/// </summary>
public sealed class UserDirectory(HfUsers hub, IServiceScopeFactory scopes, IMemoryCache cache, TimeProvider clock)
{
    private static readonly TimeSpan RecordedFor = TimeSpan.FromMinutes(10);

    /// <returns>The account, or null when nobody has that name.</returns>
    /// <exception cref="HfUnavailableException">HF is down, slow or failing.</exception>
    public async Task<HfUserRef?> ResolveAsync(ModerationDb db, string username, CancellationToken ct)
    {
        if (await hub.FindAsync(username, ct) is { } found)
        {
            await EnsureAsync(db, found, ct);
            return found;
        }
        var seen = await db.HfUsers.AsNoTracking()
            .Where(u => EF.Functions.ILike(u.Username, TextQueries.Exactly(username), TextQueries.Escape) && !u.Id.StartsWith(HfUser.LegacyIdPrefix))
            .OrderByDescending(u => u.SeenAt).FirstOrDefaultAsync(ct);
        return seen is null ? null : new HfUserRef(seen.Id, seen.Username);
    }

    /// <summary>Makes sure the account is in <c>hf_users</c> with its current name (inside the caller's transaction, if any).</summary>
    public async Task EnsureAsync(ModerationDb db, HfUserRef user, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlRawAsync(SqlNames.Statements<Statements>(db.Model).Ensure, [
            NpgsqlCommands.Parameter("id", user.Id), NpgsqlCommands.Parameter("username", user.Username), NpgsqlCommands.Parameter("now", now),
        ], ct);
        cache.Set(Key(user), true, RecordedFor);
    }

    /// <summary>For a caller just authenticated: records a new account or a new name, at most once per ten minutes per account and name.</summary>
    public async Task RecordSeenAsync(HfUserRef user, CancellationToken ct)
    {
        if (cache.TryGetValue(Key(user), out _))
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        await EnsureAsync(scope.ServiceProvider.GetRequiredService<ModerationDb>(), user, ct);
    }

    private static string Key(HfUserRef user) => $"hf-user-recorded:{user.Id}:{user.Username}";

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string Ensure { get; init; }

        public static Statements Build(SqlNames names)
        {
            var u = names.Table<HfUser>();
            var r = names.Table<RevocationState>();
            var (id, username, seenAt) = (u[x => x.Id], u[x => x.Username], u[x => x.SeenAt]);
            var version = r[x => x.Version];
            // When an account takes a name another account was known by (a freed name), revocation lists move on at once:
            // a list that named the previous holder must stop naming the newcomer (Revocations/RevocationListBuilder).
            return new()
            {
                Ensure = $"""
                    WITH previous AS (SELECT {username} FROM {u} WHERE {id} = @id),
                    upserted AS (
                        INSERT INTO {u} ({u.Columns(x => x.Id, x => x.Username, x => x.SeenAt)}) VALUES (@id, @username, @now)
                        ON CONFLICT ({id}) DO UPDATE SET {username} = excluded.{username}, {seenAt} = excluded.{seenAt}
                        WHERE {u}.{username} <> excluded.{username} OR {u}.{seenAt} < excluded.{seenAt} - interval '1 hour'
                        RETURNING 1)
                    UPDATE {r} SET {version} = {version} + 1
                    WHERE {r[x => x.Id]} = 1 AND EXISTS (SELECT 1 FROM upserted)
                      AND NOT EXISTS (SELECT 1 FROM previous p WHERE lower(p.{username}) = lower(@username))
                      AND EXISTS (SELECT 1 FROM {u} o WHERE lower(o.{username}) = lower(@username) AND o.{id} <> @id)
                    """,
            };
        }
    }
}
