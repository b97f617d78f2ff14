using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.JoinRequests;

/// <summary>A moderator's decision on a join request of the request's experiment: approve (→ allowlist) or reject.</summary>
public sealed class JoinRequestDecisions(ExperimentContext context, ModerationDb db, JoinAccess access, UnitOfWork work, Caller caller, TimeProvider clock)
{
    public async Task<Results<Ok<JoinRequestResponse>, ProblemHttpResult>> DecideAsync(long id, bool approve, string? reason, CancellationToken ct)
    {
        var userId = await db.JoinRequests.Where(r => r.Id == id && r.ExperimentId == context.Id).Select(r => r.UserId).FirstOrDefaultAsync(ct);
        if (userId is null)
        {
            return Problems.NotFound($"{context.Name} has no join request {id}.");
        }
        return await work.RunAsync<Results<Ok<JoinRequestResponse>, ProblemHttpResult>>(async action =>
        {
            var joinRequest = await db.JoinRequests.Include(r => r.User).FirstAsync(r => r.Id == id, ct);
            var username = joinRequest.User?.Username ?? userId;
            if (joinRequest.Status != JoinRequestStatus.Pending)
            {
                return Problems.Conflict($"{username}'s join request was already {joinRequest.Status.ToString().ToLowerInvariant()} by {joinRequest.DecidedBy}.");
            }
            if (approve && await access.BanInForceAsync(db, context.Id, userId, ct) is { } ban)
            {
                return Problems.Conflict($"{username} is banned ({ban.Reason}); lift the ban before approving.");
            }
            var now = clock.GetUtcNow();
            joinRequest.Status = approve ? JoinRequestStatus.Approved : JoinRequestStatus.Rejected;
            joinRequest.DecidedAt = now;
            joinRequest.DecidedBy = caller.ActorName;
            joinRequest.DecisionReason = reason;
            if (approve && !await db.AllowlistEntries.AnyAsync(a => a.ExperimentId == context.Id && a.UserId == userId, ct))
            {
                db.AllowlistEntries.Add(new AllowlistEntry
                {
                    ExperimentId = context.Id, UserId = userId, AddedBy = caller.ActorName, AddedAt = now, Reason = reason ?? $"join request {id} approved",
                });
            }
            action.Audit(new AuditRecord(context.Experiment, caller.ActorName, approve ? "join_request.approved" : "join_request.rejected",
                username, reason, After: new { request_id = id, user_id = userId }));
            return TypedResults.Ok(joinRequest.ToDto([]));
        }, ct, lockUser: (context.Id, userId));
    }
}
