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
        return db.Database.ExecuteSqlAsync($"""
            WITH account AS (
                INSERT INTO hf_users (id, username, seen_at) VALUES ({user.Id}, {user.Username}, {now})
                ON CONFLICT (id) DO UPDATE SET username = excluded.username WHERE hf_users.username <> excluded.username
            )
            INSERT INTO join_requests (experiment_id, user_id, fullname, avatar_url, email_verified, is_pro, orgs, message, status, created_at)
            VALUES ({experiment.Id}, {user.Id}, {Cut(user.Fullname, 256)}, {Cut(user.AvatarUrl, 1024)}, {user.EmailVerified},
                    {user.IsPro}, {Cut(orgs, 4000)}, {message}, 'Pending', {now})
            ON CONFLICT (experiment_id, user_id) WHERE status = 'Pending' DO NOTHING
            """, ct);
    }

    private static string? Cut(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
