using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Allowlist;

/// <summary>What adding people to the allowlist settles besides the entry itself.</summary>
public static class AllowlistAdmissions
{
    public const string Reason = "added to the allowlist";

    /// <summary>
    /// Closes the pending join requests of <paramref name="userIds"/> as approved: they may join now, so they no longer
    /// wait in the moderators' queue (nor count in its badge).
    /// </summary>
    public static Task<int> CloseRequestsAsync(ModerationDb db, int experimentId, IReadOnlyList<string> userIds, string actor, DateTimeOffset now,
        CancellationToken ct) =>
        db.JoinRequests.Where(r => r.ExperimentId == experimentId && r.Status == JoinRequestStatus.Pending && userIds.Contains(r.UserId))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, JoinRequestStatus.Approved).SetProperty(r => r.DecidedAt, now)
                .SetProperty(r => r.DecidedBy, actor).SetProperty(r => r.DecisionReason, Reason), ct);
}
