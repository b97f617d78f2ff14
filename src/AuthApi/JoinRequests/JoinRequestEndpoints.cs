using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.JoinRequests;

/// <summary>
/// Screening: participants ask to join (or a refused join asks for them), moderators approve (→ allowlist) or reject
/// with a reason, and participants see where they stand.
/// </summary>
public static class JoinRequestEndpoints
{
    public static IEndpointRouteBuilder MapJoinRequests(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}").WithTags("Join requests").RequireAuthorization();
        group.MapPost("/join-requests", Ask).Validate<CreateJoinRequestRequest>().WithName("RequestToJoin")
            .WithSummary("Ask to join, with a message for the moderators (any signed-in user).");
        group.MapGet("/join-requests", List).WithName("ListJoinRequests").WithSummary("The screening queue (moderators).");
        group.MapPost("/join-requests/{id:long}/approve", Approve).Validate<DecideJoinRequestRequest>().WithName("ApproveJoinRequest")
            .WithSummary("Admit the user: they go on the allowlist (moderators).");
        group.MapPost("/join-requests/{id:long}/reject", Reject).Validate<DecideJoinRequestRequest>().WithName("RejectJoinRequest")
            .WithSummary("Refuse the request, with a reason the user sees (moderators).");
        group.MapGet("/membership", Membership).WithName("GetMembership").WithSummary("Where you stand in this experiment (any signed-in user).");
        return app;
    }

    private static async Task<Results<Created<JoinRequestResponse>, Ok<JoinRequestResponse>, ProblemHttpResult>> Ask(
        string org, string model, CreateJoinRequestRequest request, ClaimsPrincipal principal, ModerationDb db, JoinAccess access,
        JoinRequestRecorder recorder, TimeProvider clock, CancellationToken ct)
    {
        var experiment = await db.FindByNameAsync(org, model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        var user = HfIdentity.FromPrincipal(principal);
        var refusal = await access.DecideAsync(db, experiment, user, ct);
        if (refusal is null)
        {
            return Problems.Conflict($"{user.Username} may already join {org}/{model}: no request is needed.");
        }
        if (refusal.Banned)
        {
            return Problems.Forbidden(refusal.Reason);
        }
        var pending = await db.JoinRequests.FirstOrDefaultAsync(r => r.ExperimentId == experiment.Id && r.Username == user.Username
            && r.Status == JoinRequestStatus.Pending, ct);
        if (pending is not null)
        {
            pending.Message = request.Message ?? pending.Message;
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(pending.ToDto([]));
        }
        await recorder.InsertPendingAsync(db, experiment, user, request.Message, ct);
        var created = await db.JoinRequests.AsNoTracking().FirstAsync(r => r.ExperimentId == experiment.Id && r.Username == user.Username
            && r.Status == JoinRequestStatus.Pending, ct);
        return TypedResults.Created($"/api/v1/experiments/{org}/{model}/membership", created.ToDto([]));
    }

    private static async Task<Results<Ok<List<JoinRequestResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, TimeProvider clock, CancellationToken ct,
        string status = "pending")
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "screen its join requests", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        JoinRequestStatus? wanted = status.ToLowerInvariant() switch
        {
            "pending" => JoinRequestStatus.Pending,
            "approved" => JoinRequestStatus.Approved,
            "rejected" => JoinRequestStatus.Rejected,
            "all" => null,
            _ => (JoinRequestStatus)(-1),
        };
        if (wanted == (JoinRequestStatus)(-1))
        {
            return Problems.BadRequest("'status' must be pending, approved, rejected or all.");
        }
        var experimentId = found.Experiment!.Id;
        var requests = await db.JoinRequests.AsNoTracking()
            .Where(r => r.ExperimentId == experimentId && (wanted == null || r.Status == wanted))
            .OrderBy(r => r.CreatedAt).Take(500).ToListAsync(ct);
        var names = requests.Select(r => r.Username).Distinct().ToList();
        var now = clock.GetUtcNow();
        var bans = await db.Bans.AsNoTracking().Where(b => names.Contains(b.Username) && (b.ExperimentId == experimentId || b.ExperimentId == null))
            .ToListAsync(ct);
        return TypedResults.Ok(requests.Select(r => r.ToDto(bans.Where(b => b.Username == r.Username)
            .Select(b => new EarlierBan(b.ExperimentId is null ? null : $"{org}/{model}", b.Reason, b.CreatedAt, b.IsInForce(now))).ToList())).ToList());
    }

    private static async Task<Results<Ok<JoinRequestResponse>, ProblemHttpResult>> Approve(
        string org, string model, long id, [FromBody] DecideJoinRequestRequest? request, ClaimsPrincipal principal, ModerationDb db,
        ExperimentRoles roles, JoinAccess access, AuditLog audit, TimeProvider clock, CancellationToken ct) =>
        await DecideAsync(org, model, id, approve: true, request?.Reason, principal, db, roles, access, audit, clock, ct);

    private static async Task<Results<Ok<JoinRequestResponse>, ProblemHttpResult>> Reject(
        string org, string model, long id, DecideJoinRequestRequest request, ClaimsPrincipal principal, ModerationDb db,
        ExperimentRoles roles, JoinAccess access, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return Problems.BadRequest("'reason' is required to reject a request: the user sees it.");
        }
        return await DecideAsync(org, model, id, approve: false, request.Reason, principal, db, roles, access, audit, clock, ct);
    }

    private static async Task<Results<Ok<JoinRequestResponse>, ProblemHttpResult>> DecideAsync(
        string org, string model, long id, bool approve, string? reason, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        JoinAccess access, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "decide its join requests", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var experiment = found.Experiment!;
        var username = await db.JoinRequests.Where(r => r.Id == id && r.ExperimentId == experiment.Id).Select(r => r.Username).FirstOrDefaultAsync(ct);
        if (username is null)
        {
            return Problems.NotFound($"{org}/{model} has no join request {id}.");
        }
        return await db.InTransactionAsync<Results<Ok<JoinRequestResponse>, ProblemHttpResult>>(async () =>
        {
            await db.LockUserAsync(experiment.Id, username, ct);
            var joinRequest = await db.JoinRequests.FirstAsync(r => r.Id == id, ct);
            if (joinRequest.Status != JoinRequestStatus.Pending)
            {
                return Problems.Conflict($"Join request {id} was already {joinRequest.Status.ToString().ToLowerInvariant()} by {joinRequest.DecidedBy}.");
            }
            if (approve && await access.BanInForceAsync(db, experiment.Id, username, ct) is { } ban)
            {
                return Problems.Conflict($"{username} is banned ({ban.Reason}); lift the ban before approving.");
            }
            var now = clock.GetUtcNow();
            joinRequest.Status = approve ? JoinRequestStatus.Approved : JoinRequestStatus.Rejected;
            joinRequest.DecidedAt = now;
            joinRequest.DecidedBy = found.User.Username;
            joinRequest.DecisionReason = reason;
            if (approve && !await db.AllowlistEntries.AnyAsync(a => a.ExperimentId == experiment.Id && a.Username == username, ct))
            {
                db.AllowlistEntries.Add(new AllowlistEntry
                {
                    ExperimentId = experiment.Id, Username = username, AddedBy = found.User.Username, AddedAt = now,
                    Reason = reason ?? $"join request {id} approved",
                });
            }
            await audit.AppendAsync(db, new AuditRecord(experiment, found.User.Username, approve ? "join_request.approved" : "join_request.rejected",
                username, reason, After: new { request_id = id }), ct);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(joinRequest.ToDto([]));
        }, ct);
    }

    private static async Task<Results<Ok<MembershipResponse>, ProblemHttpResult>> Membership(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, JoinAccess access, CancellationToken ct)
    {
        var experiment = await db.FindByNameAsync(org, model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        var user = HfIdentity.FromPrincipal(principal);
        var refusal = await access.DecideAsync(db, experiment, user, ct);
        var latest = await db.JoinRequests.AsNoTracking().Where(r => r.ExperimentId == experiment.Id && r.Username == user.Username)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        var (status, reason) = refusal switch
        {
            null => ("admitted", (string?)null),
            { Banned: true } => ("banned", refusal.Reason),
            _ when latest?.Status == JoinRequestStatus.Pending => ("pending", "A moderator has not decided yet."),
            _ when latest?.Status == JoinRequestStatus.Rejected => ("rejected", latest.DecisionReason),
            _ => ("none", refusal.Reason),
        };
        return TypedResults.Ok(new MembershipResponse($"{org}/{model}", status, reason, latest?.ToDto([])));
    }

    public static JoinRequestResponse ToDto(this JoinRequest r, IReadOnlyList<EarlierBan> earlierBans) => new(
        r.Id, r.Username, r.Fullname, r.AvatarUrl,
        string.IsNullOrEmpty(r.Orgs) ? [] : r.Orgs.Split(','), r.EmailVerified, r.IsPro, r.Message,
        r.Status.ToString().ToLowerInvariant(), r.CreatedAt, r.DecidedAt, r.DecidedBy, r.DecisionReason, earlierBans);
}
