using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;

namespace Moderation.AuthApi.JoinRequests;

/// <summary>Records a pending join request with the HF profile facts moderators screen on: once per user and experiment, however often they retry.</summary>
public sealed class JoinRequestRecorder(TimeProvider clock)
{
    /// <summary>
    /// For a join refused because the user is not admitted (not banned): records a pending request unless their latest
    /// one was rejected, and returns the whole reason to show them.
    /// </summary>
    public async Task<string> RecordRefusedJoinAsync(ModerationDb db, Experiment experiment, HfIdentity user, string refusal, CancellationToken ct)
    {
        var latest = await LatestAsync(db, experiment.Id, user.Id, ct);
        if (latest?.Status == JoinRequestStatus.Rejected)
        {
            return $"{refusal}: your join request was rejected ({latest.DecisionReason}); you may ask again with a message.";
        }
        await InsertPendingAsync(db, experiment, user, message: null, ct);
        return $"{refusal}: a join request was recorded for its moderators.";
    }

    public static Task<JoinRequest?> LatestAsync(ModerationDb db, int experimentId, string userId, CancellationToken ct) =>
        db.JoinRequests.AsNoTracking().Where(r => r.ExperimentId == experimentId && r.UserId == userId)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);

    /// <summary>Creates the pending request (and the account's directory entry), or leaves an existing one as it is (the unique index decides races).</summary>
    public Task InsertPendingAsync(ModerationDb db, Experiment experiment, HfIdentity user, string? message, CancellationToken ct)
    {
        var orgs = string.Join(",", user.Orgs.Select(o => $"{o.Name}:{o.RoleInOrg}"));
        var now = clock.GetUtcNow();
        return db.Database.ExecuteSqlRawAsync(SqlNames.Statements<Statements>(db.Model).InsertPending, [
            NpgsqlCommands.Parameter("experiment", experiment.Id), NpgsqlCommands.Parameter("user_id", user.Id),
            NpgsqlCommands.Parameter("username", user.Username), NpgsqlCommands.Parameter("fullname", Cut(user.Fullname, 256)),
            NpgsqlCommands.Parameter("avatar_url", Cut(user.AvatarUrl, 1024)), NpgsqlCommands.Parameter("email_verified", user.EmailVerified),
            NpgsqlCommands.Parameter("is_pro", user.IsPro), NpgsqlCommands.Parameter("orgs", Cut(orgs, 4000)),
            NpgsqlCommands.Parameter("message", message), NpgsqlCommands.Parameter("now", now),
        ], ct);
    }

    private static string? Cut(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string InsertPending { get; init; }

        public static Statements Build(SqlNames names)
        {
            var u = names.Table<HfUser>();
            var r = names.Table<JoinRequest>();
            var username = u[x => x.Username];
            var status = r[x => x.Status];
            // The conflict target is the one-pending-request index (JoinRequestConfiguration).
            return new()
            {
                InsertPending = $"""
                    WITH account AS (
                        INSERT INTO {u} ({u.Columns(x => x.Id, x => x.Username, x => x.SeenAt)}) VALUES (@user_id, @username, @now)
                        ON CONFLICT ({u[x => x.Id]}) DO UPDATE SET {username} = excluded.{username} WHERE {u}.{username} <> excluded.{username}
                    )
                    INSERT INTO {r} ({r.Columns(x => x.ExperimentId, x => x.UserId, x => x.Fullname, x => x.AvatarUrl, x => x.EmailVerified,
                                                x => x.IsPro, x => x.Orgs, x => x.Message, x => x.Status, x => x.CreatedAt)})
                    VALUES (@experiment, @user_id, @fullname, @avatar_url, @email_verified, @is_pro, @orgs, @message, '{JoinRequestStatus.Pending}', @now)
                    ON CONFLICT ({r.Columns(x => x.ExperimentId, x => x.UserId)}) WHERE {status} = '{JoinRequestStatus.Pending}' DO NOTHING
                    """,
            };
        }
    }
}
