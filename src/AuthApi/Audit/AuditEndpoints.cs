using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Audit;

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/experiments/{org}/{model}/audit", List).RequireAuthorization().WithTags("Audit")
            .WithName("ListAuditEntries").WithSummary("What owners, moderators and admins did in this experiment, newest first (moderators).");
        app.MapGet("/api/v1/audit/verify", Verify).RequireAuthorization().WithTags("Audit")
            .WithName("VerifyAuditChain").WithSummary("Recompute the whole hash chain and name the first broken entry (global admins).");
        return app;
    }

    private static async Task<Results<Ok<Paged<AuditEntryResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct,
        string? actor = null, string? action = null, string? target = null, int page = 1, [FromQuery(Name = "page_size")] int pageSize = 50)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "read its audit log", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, ModerationLimits.MaxPageSize);
        var experimentId = found.Experiment!.Id;
        var query = db.AuditEntries.AsNoTracking().Where(a => a.ExperimentId == experimentId
            && (actor == null || a.Actor == actor) && (action == null || a.Action == action) && (target == null || a.Target == target));
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(a => new AuditEntryResponse(a.Id, a.At, a.Experiment, a.Actor, a.Action, a.Target, a.Reason, a.Before, a.After,
                a.PreviousHash, a.Hash))
            .ToListAsync(ct);
        return TypedResults.Ok(new Paged<AuditEntryResponse>(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<AuditVerificationResponse>, ProblemHttpResult>> Verify(
        ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        if (!roles.IsGlobalAdmin(HfIdentity.FromPrincipal(principal)))
        {
            return Problems.Forbidden("Only global admins may verify the whole audit chain.");
        }
        var result = await AuditLog.VerifyAsync(db, ct);
        return TypedResults.Ok(new AuditVerificationResponse(result.Valid, result.EntriesChecked, result.FirstBrokenId, result.Problem));
    }
}
