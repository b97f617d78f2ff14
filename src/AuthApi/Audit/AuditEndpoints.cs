using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Audit;

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/experiments/{org}/{model}/audit", List).ForExperimentRole(ExperimentRole.Moderator).WithTags("Audit")
            .WithName("ListAuditEntries").WithSummary("Read what owners, moderators and admins did in this experiment, newest first (moderators).");
        app.MapGet("/api/v1/audit/verify", Verify).ForGlobalAdmins().WithTags("Audit")
            .WithName("VerifyAuditChain").WithSummary("Recompute the whole hash chain and name the first broken entry (global admins).");
        return app;
    }

    private static async Task<Results<Ok<Paged<AuditEntryResponse>>, ProblemHttpResult>> List(
        ExperimentContext context, ModerationDb db, CancellationToken ct,
        string? actor = null, string? action = null, string? target = null, int page = 1, [FromQuery(Name = "page_size")] int pageSize = 50)
    {
        if (Paging.Check(page, pageSize, ModerationLimits.MaxPageSize) is { } invalid)
        {
            return invalid;
        }
        var query = db.AuditEntries.AsNoTracking().Where(a => a.ExperimentId == context.Id
            && (actor == null || a.Actor == actor) && (action == null || a.Action == action) && (target == null || a.Target == target));
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(a => a.Id).Skip(Paging.Offset(page, pageSize)).Take(pageSize)
            .Select(a => new AuditEntryResponse(a.Id, a.At, a.Experiment, a.Actor, a.Action, a.Target, a.Reason, a.Before, a.After,
                a.PreviousHash, a.Hash))
            .ToListAsync(ct);
        return TypedResults.Ok(new Paged<AuditEntryResponse>(items, page, pageSize, total));
    }

    private static async Task<Ok<AuditVerificationResponse>> Verify(ModerationDb db, CancellationToken ct)
    {
        var result = await AuditLog.VerifyAsync(db, ct);
        return TypedResults.Ok(new AuditVerificationResponse(result.Valid, result.EntriesChecked, result.FirstBrokenId, result.Problem));
    }
}
