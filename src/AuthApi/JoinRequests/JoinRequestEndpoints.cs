using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
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
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}").WithTags("Join requests");
        group.MapPost("/join-requests", Ask).ForExperimentRole(ExperimentRole.None).Validate<CreateJoinRequestRequest>().WithName("RequestToJoin")
            .WithSummary("Ask to join, with a message for the moderators (any signed-in user).");
        group.MapGet("/membership", Membership).ForExperimentRole(ExperimentRole.None).WithName("GetMembership")
            .WithSummary("Where you stand in this experiment (any signed-in user).");
        var moderators = app.MapGroup("/api/v1/experiments/{org}/{model}/join-requests").WithTags("Join requests")
            .ForExperimentRole(ExperimentRole.Moderator);
        moderators.MapGet("/", List).WithName("ListJoinRequests").WithSummary("See the screening queue (moderators).");
        moderators.MapPost("/{id:long}/approve", Approve).Validate<DecideJoinRequestRequest>().WithName("ApproveJoinRequest")
            .WithSummary("Admit the user: they go on the allowlist (moderators).");
        moderators.MapPost("/{id:long}/reject", Reject).Validate<DecideJoinRequestRequest>().WithName("RejectJoinRequest")
            .WithSummary("Refuse the request, with a reason the user sees (moderators).");
        return app;
    }

    private static async Task<Results<Created<JoinRequestResponse>, Ok<JoinRequestResponse>, ProblemHttpResult>> Ask(
        CreateJoinRequestRequest request, ExperimentContext context, Caller caller, ModerationDb db, JoinAccess access,
        JoinRequestRecorder recorder, CancellationToken ct)
    {
        var user = caller.User;
        var refusal = await access.DecideAsync(db, context.Experiment, caller, ct);
        if (refusal is null)
        {
            return Problems.Conflict($"{user.Username} may already join {context.Name}: no request is needed.");
        }
        if (refusal.Banned)
        {
            return Problems.Forbidden(refusal.Reason);
        }
        var pending = await db.JoinRequests.Include(r => r.User)
            .FirstOrDefaultAsync(r => r.ExperimentId == context.Id && r.UserId == user.Id && r.Status == JoinRequestStatus.Pending, ct);
        if (pending is not null)
        {
            pending.Message = request.Message ?? pending.Message;
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(pending.ToDto([]));
        }
        await recorder.InsertPendingAsync(db, context.Experiment, user, request.Message, ct);
        var created = await db.JoinRequests.AsNoTracking().Include(r => r.User)
            .FirstAsync(r => r.ExperimentId == context.Id && r.UserId == user.Id && r.Status == JoinRequestStatus.Pending, ct);
        return TypedResults.Created($"/api/v1/experiments/{context.Name}/membership", created.ToDto([]));
    }

    private static async Task<Results<Ok<List<JoinRequestResponse>>, ProblemHttpResult>> List(
        ExperimentContext context, ModerationDb db, TimeProvider clock, CancellationToken ct, string status = "pending")
    {
        JoinRequestStatus? wanted = null;
        if (!string.Equals(status, "all", StringComparison.OrdinalIgnoreCase))
        {
            if (!Enum.TryParse<JoinRequestStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(status, out _))
            {
                return Problems.BadRequest("'status' must be pending, approved, rejected or all.");
            }
            wanted = parsed;
        }
        var requests = await db.JoinRequests.AsNoTracking().Include(r => r.User)
            .Where(r => r.ExperimentId == context.Id && (wanted == null || r.Status == wanted))
            .OrderBy(r => r.CreatedAt).Take(500).ToListAsync(ct);
        var ids = requests.Select(r => r.UserId).Distinct().ToList();
        var now = clock.GetUtcNow();
        var bans = await db.Bans.AsNoTracking().ApplyingTo(context.Id).Where(b => ids.Contains(b.UserId)).ToListAsync(ct);
        return TypedResults.Ok(requests.Select(r => r.ToDto(bans.Where(b => b.UserId == r.UserId)
            .Select(b => new EarlierBan(b.ExperimentId is null ? null : context.Name, b.Reason, b.CreatedAt, b.IsInForce(now))).ToList())).ToList());
    }

    private static Task<Results<Ok<JoinRequestResponse>, ProblemHttpResult>> Approve(
        long id, [FromBody] DecideJoinRequestRequest? request, JoinRequestDecisions decisions, CancellationToken ct) =>
        decisions.DecideAsync(id, approve: true, request?.Reason, ct);

    private static async Task<Results<Ok<JoinRequestResponse>, ProblemHttpResult>> Reject(
        long id, DecideJoinRequestRequest request, JoinRequestDecisions decisions, CancellationToken ct) =>
        string.IsNullOrWhiteSpace(request.Reason)
            ? Problems.BadRequest("'reason' is required to reject a request: the user sees it.")
            : await decisions.DecideAsync(id, approve: false, request.Reason, ct);

    private static async Task<Ok<MembershipResponse>> Membership(
        ExperimentContext context, Caller caller, ModerationDb db, JoinAccess access, CancellationToken ct)
    {
        var refusal = await access.DecideAsync(db, context.Experiment, caller, ct);
        var latest = await db.JoinRequests.AsNoTracking().Include(r => r.User).Where(r => r.ExperimentId == context.Id && r.UserId == caller.User.Id)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        var (status, reason) = refusal switch
        {
            null => ("admitted", (string?)null),
            { Banned: true } => ("banned", refusal.Reason),
            _ when latest?.Status == JoinRequestStatus.Pending => ("pending", "A moderator has not decided yet."),
            _ when latest?.Status == JoinRequestStatus.Rejected => ("rejected", latest.DecisionReason),
            _ => ("none", refusal.Reason),
        };
        return TypedResults.Ok(new MembershipResponse(context.Name, status, reason, latest?.ToDto([])));
    }

    public static JoinRequestResponse ToDto(this JoinRequest r, IReadOnlyList<EarlierBan> earlierBans) => new(
        r.Id, r.User?.Username ?? r.UserId, r.Fullname, r.AvatarUrl,
        string.IsNullOrEmpty(r.Orgs) ? [] : r.Orgs.Split(','), r.EmailVerified, r.IsPro, r.Message,
        r.Status.ToString().ToLowerInvariant(), r.CreatedAt, r.DecidedAt, r.DecidedBy, r.DecisionReason, earlierBans);
}
