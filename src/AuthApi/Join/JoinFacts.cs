using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Npgsql;

namespace Moderation.AuthApi.Join;

/// <summary>
/// Everything one join needs from the database, read by one statement (one snapshot): the user's standing (the ban in
/// force, the key's revocation, the allowlist entry), the revocation version that standing was read at, the key's owner,
/// a token still fresh enough to hand out again, and how many other peer keys the user holds live tokens for.
/// A plain Npgsql statement with positional parameters (prepared once per connection, its plan reused): through EF Core
/// the same query cost a fresh join more CPU than its signature.
/// </summary>
public sealed record JoinFacts(StandingFacts Standing, long RevocationVersion, string? KeyOwner, IssuedToken? Reusable, int OtherLiveKeys)
{
    /// <param name="activeKid">Only a token signed by the active key is handed out again.</param>
    /// <param name="freshUntil">Only a token that expires after this is handed out again.</param>
    public static async Task<JoinFacts> ReadAsync(ModerationDb db, int experimentId, HfIdentity user, string fingerprint, string activeKid,
        bool wantJwt, DateTimeOffset now, DateTimeOffset freshUntil, CancellationToken ct)
    {
        var sql = SqlNames.Statements<Statements>(db.Model).Read;
        var connection = db.Connection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection)
            {
                Parameters =
                {
                    new NpgsqlParameter<int> { TypedValue = experimentId },
                    new NpgsqlParameter<string> { TypedValue = fingerprint },
                    new NpgsqlParameter<string> { TypedValue = user.Id },
                    new NpgsqlParameter<DateTimeOffset> { TypedValue = now },
                    new NpgsqlParameter<string> { TypedValue = user.Username },
                    new NpgsqlParameter<DateTimeOffset> { TypedValue = freshUntil },
                    new NpgsqlParameter<string> { TypedValue = activeKid },
                    new NpgsqlParameter<bool> { TypedValue = wantJwt },
                },
            };
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                throw new InvalidOperationException("The revocation state row is missing: the schema was not migrated.");
            }
            var ban = reader.IsDBNull(5) ? null : new Ban
            {
                Id = reader.GetInt64(5),
                ExperimentId = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                UserId = user.Id,
                Reason = reader.GetString(7),
                Evidence = reader.IsDBNull(8) ? null : reader.GetString(8),
                BannedBy = reader.GetString(9),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(10),
                ExpiresAt = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
            };
            var reusable = reader.IsDBNull(12) ? null : new IssuedToken
            {
                Id = reader.GetGuid(12),
                ExperimentId = experimentId,
                Username = user.Username,
                UserId = user.Id,
                PeerKeyFingerprint = fingerprint,
                PeerPublicKey = reader.GetString(13),
                Kid = activeKid,
                IssuedAt = reader.GetFieldValue<DateTimeOffset>(14),
                ExpiresAt = reader.GetFieldValue<DateTimeOffset>(15),
                HivemindSignature = reader.GetString(16),
                Jwt = reader.IsDBNull(17) ? null : reader.GetString(17),
            };
            return new JoinFacts(new StandingFacts(ban, reader.GetBoolean(1), reader.GetBoolean(2)), reader.GetInt64(0),
                reader.IsDBNull(3) ? null : reader.GetString(3), reusable, (int)reader.GetInt64(4));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>How long until the first of the user's live peer keys (other than <paramref name="fingerprint"/>) frees up: its last token expires.</summary>
    public static async Task<TimeSpan> FirstKeyFreesAsync(ModerationDb db, int experimentId, string userId, string fingerprint, DateTimeOffset now, CancellationToken ct)
    {
        var live = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experimentId && t.UserId == userId && t.RevokedAt == null && t.ExpiresAt > now && t.PeerKeyFingerprint != fingerprint)
            .GroupBy(t => t.PeerKeyFingerprint)
            .Select(g => g.Max(t => t.ExpiresAt))
            .ToListAsync(ct);
        return live.Count == 0 ? TimeSpan.Zero : live.Min() - now;
    }

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string Read { get; init; }

        /// <summary>
        /// $1 experiment, $2 fingerprint, $3 user id, $4 now, $5 username, $6 fresh until, $7 active kid, $8 whether a JWT is needed.
        /// Columns: 0 version, 1 key revoked, 2 allowlisted, 3 key owner, 4 other live keys, 5–11 the ban, 12–17 the reusable token.
        /// </summary>
        public static Statements Build(SqlNames names)
        {
            var (r, k, a, p, b, t) = (names.Table<RevocationState>(), names.Table<RevokedPeerKey>(), names.Table<AllowlistEntry>(),
                names.Table<PeerKey>(), names.Table<Ban>(), names.Table<IssuedToken>());
            var liveOfUser = $"{t[x => x.ExperimentId]} = $1 AND {t[x => x.UserId]} = $3 AND {t[x => x.RevokedAt]} IS NULL";
            return new()
            {
                Read = $"""
                    SELECT s.{r[x => x.Version]},
                        EXISTS (SELECT FROM {k} WHERE {k[x => x.ExperimentId]} = $1 AND {k[x => x.PeerKeyFingerprint]} = $2),
                        EXISTS (SELECT FROM {a} WHERE {a[x => x.ExperimentId]} = $1 AND {a[x => x.UserId]} = $3),
                        (SELECT {p[x => x.UserId]} FROM {p} WHERE {p[x => x.Fingerprint]} = $2),
                        (SELECT count(DISTINCT {t[x => x.PeerKeyFingerprint]}) FROM {t}
                         WHERE {liveOfUser} AND {t[x => x.ExpiresAt]} > $4 AND {t[x => x.PeerKeyFingerprint]} <> $2),
                        ban.*, token.*
                    FROM {r} s
                    LEFT JOIN LATERAL (
                        SELECT {b.Columns(x => x.Id, x => x.ExperimentId, x => x.Reason, x => x.Evidence, x => x.BannedBy, x => x.CreatedAt, x => x.ExpiresAt)}
                        FROM {b}
                        WHERE {b[x => x.UserId]} = $3 AND ({b[x => x.ExperimentId]} = $1 OR {b[x => x.ExperimentId]} IS NULL)
                          AND {b[x => x.LiftedAt]} IS NULL AND ({b[x => x.ExpiresAt]} IS NULL OR {b[x => x.ExpiresAt]} > $4)
                        ORDER BY {b[x => x.ExperimentId]} IS NOT NULL
                        LIMIT 1) ban ON TRUE
                    LEFT JOIN LATERAL (
                        SELECT {t.Columns(x => x.Id, x => x.PeerPublicKey, x => x.IssuedAt, x => x.ExpiresAt, x => x.HivemindSignature, x => x.Jwt)}
                        FROM {t}
                        WHERE {liveOfUser} AND {t[x => x.PeerKeyFingerprint]} = $2 AND {t[x => x.Username]} = $5
                          AND {t[x => x.ExpiresAt]} > $6 AND {t[x => x.Kid]} = $7 AND (NOT $8 OR {t[x => x.Jwt]} IS NOT NULL)
                        ORDER BY {t[x => x.ExpiresAt]} DESC
                        LIMIT 1) token ON TRUE
                    WHERE s.{r[x => x.Id]} = 1
                    """,
            };
        }
    }
}
