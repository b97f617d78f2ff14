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
    public Task EnsureAsync(ModerationDb db, HfUserRef user, CancellationToken ct) => EnsureAsync(db, [user], ct);

    /// <summary>
    /// Makes sure the accounts are in <c>hf_users</c> with their current names, in one statement (a 5,000-line allowlist
    /// import is one round trip, not one per name), inside the caller's transaction, if any.
    /// </summary>
    public async Task EnsureAsync(ModerationDb db, IEnumerable<HfUserRef> users, CancellationToken ct)
    {
        var distinct = users.DistinctBy(u => u.Id).ToList();
        if (distinct.Count == 0)
        {
            return;
        }
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlRawAsync(SqlNames.Statements<Statements>(db.Model).Ensure, [
            NpgsqlCommands.Parameter("ids", distinct.Select(u => u.Id).ToArray()),
            NpgsqlCommands.Parameter("usernames", distinct.Select(u => u.Username).ToArray()), NpgsqlCommands.Parameter("now", now),
        ], ct);
        foreach (var user in distinct)
        {
            cache.Set(Key(user), true, RecordedFor);
        }
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
            // Every part of the statement sees the table as it was before it, so another holder is looked for there and
            // among the other accounts written by the same statement.
            return new()
            {
                Ensure = $"""
                    WITH input AS (SELECT * FROM unnest(@ids, @usernames) AS i(id, username)),
                    previous AS (SELECT p.{id} AS id, p.{username} AS username FROM {u} p JOIN input i ON p.{id} = i.id),
                    upserted AS (
                        INSERT INTO {u} ({u.Columns(x => x.Id, x => x.Username, x => x.SeenAt)}) SELECT id, username, @now FROM input
                        ON CONFLICT ({id}) DO UPDATE SET {username} = excluded.{username}, {seenAt} = excluded.{seenAt}
                        WHERE {u}.{username} <> excluded.{username} OR {u}.{seenAt} < excluded.{seenAt} - interval '1 hour'
                        RETURNING {u}.{id} AS id, {u}.{username} AS username)
                    UPDATE {r} SET {version} = {version} + 1
                    WHERE {r[x => x.Id]} = 1 AND EXISTS (
                        SELECT 1 FROM upserted n
                        WHERE NOT EXISTS (SELECT 1 FROM previous p WHERE p.id = n.id AND lower(p.username) = lower(n.username))
                          AND (EXISTS (SELECT 1 FROM {u} o WHERE lower(o.{username}) = lower(n.username) AND o.{id} <> n.id)
                            OR EXISTS (SELECT 1 FROM input o WHERE lower(o.username) = lower(n.username) AND o.id <> n.id)))
                    """,
            };
        }
    }
}
