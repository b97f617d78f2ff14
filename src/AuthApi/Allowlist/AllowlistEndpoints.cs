using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Allowlist;

/// <summary><c>/api/v1/experiments/{org}/{model}/allowlist</c>: users admitted by name, managed by moderators.</summary>
public static class AllowlistEndpoints
{
    public static IEndpointRouteBuilder MapAllowlist(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/allowlist").WithTags("Allowlist").ForExperimentRole(ExperimentRole.Moderator);
        group.MapGet("/", List).WithName("ListAllowlist").WithSummary("See the allowlisted users, searchable and paged (moderators).");
        group.MapPut("/{username}", Add).Validate<AllowlistAddRequest>().WithName("AddToAllowlist").WithSummary("Admit a user by name (moderators).");
        group.MapDelete("/{username}", Remove).WithName("RemoveFromAllowlist").WithSummary("Take a user off the allowlist (moderators).");
        group.MapPost("/import", (AllowlistImportRequest request, AllowlistImport import, CancellationToken ct) => import.ImportAsync(request, ct))
            .Validate<AllowlistImportRequest>().WithName("ImportAllowlist")
            .WithSummary("Add many usernames, one per line, with a report per line (moderators).");
        return app;
    }

    private static async Task<Results<Ok<Paged<AllowlistEntryResponse>>, ProblemHttpResult>> List(
        ExperimentContext context, ModerationDb db, CancellationToken ct, string? q = null, int page = 1, [FromQuery(Name = "page_size")] int pageSize = 50)
    {
        if (Paging.Check(page, pageSize, ModerationLimits.MaxPageSize) is { } invalid)
        {
            return invalid;
        }
        var query = db.AllowlistEntries.AsNoTracking().Where(a => a.ExperimentId == context.Id);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = TextQueries.Containing(q.Trim());
            query = query.Where(a => EF.Functions.ILike(a.User!.Username, pattern, TextQueries.Escape));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(a => a.User!.Username).Skip(Paging.Offset(page, pageSize)).Take(pageSize)
            .Select(a => new AllowlistEntryResponse(a.User!.Username, a.AddedBy, a.AddedAt, a.Reason)).ToListAsync(ct);
        return TypedResults.Ok(new Paged<AllowlistEntryResponse>(items, page, pageSize, total));
    }

    private static async Task<Results<Created<AllowlistEntryResponse>, Ok<AllowlistEntryResponse>, ProblemHttpResult>> Add(
        string username, [FromBody] AllowlistAddRequest? request, ExperimentContext context, Caller caller, ModerationDb db, UserDirectory users,
        UnitOfWork work, TimeProvider clock, CancellationToken ct)
    {
        // The body is optional: a PUT without one admits the user without a reason.
        if (Problems.InvalidUsername(username) is { } invalid)
        {
            return invalid;
        }
        if (await users.ResolveAsync(db, username, ct) is not { } user)
        {
            return Problems.UnknownUser(username);
        }
        var existing = await db.AllowlistEntries.AsNoTracking().FirstOrDefaultAsync(a => a.ExperimentId == context.Id && a.UserId == user.Id, ct);
        if (existing is not null)
        {
            return TypedResults.Ok(existing.ToDto(user.Username));
        }
        var entry = new AllowlistEntry
        {
            ExperimentId = context.Id, UserId = user.Id, AddedBy = caller.ActorName, AddedAt = clock.GetUtcNow(), Reason = request?.Reason,
        };
        await work.RunAsync(async action =>
        {
            db.AllowlistEntries.Add(entry);
            await AllowlistAdmissions.CloseRequestsAsync(db, context.Id, [user.Id], caller.ActorName, entry.AddedAt, ct);
            action.Audit(new AuditRecord(context.Experiment, caller.ActorName, "allowlist.added", user.Username, entry.Reason, After: new { user_id = user.Id }));
            return true;
        }, ct);
        return TypedResults.Created($"/api/v1/experiments/{context.Name}/allowlist/{user.Username}", entry.ToDto(user.Username));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        string username, ExperimentContext context, Caller caller, ModerationDb db, UserDirectory users, UnitOfWork work, CancellationToken ct)
    {
        if (Problems.InvalidUsername(username) is { } invalid)
        {
            return invalid;
        }
        var user = await users.ResolveAsync(db, username, ct);
        var removed = user is not null && await work.RunAsync(async action =>
        {
            var count = await db.AllowlistEntries.Where(a => a.ExperimentId == context.Id && a.UserId == user.Id).ExecuteDeleteAsync(ct);
            if (count > 0)
            {
                action.Audit(new AuditRecord(context.Experiment, caller.ActorName, "allowlist.removed", user.Username, After: new { user_id = user.Id }));
                action.WithdrawsAdmission();
            }
            return count > 0;
        }, ct);
        return removed ? TypedResults.NoContent() : Problems.NotFound($"{username} is not on the allowlist of {context.Name}.");
    }

    public static AllowlistEntryResponse ToDto(this AllowlistEntry a, string username) => new(username, a.AddedBy, a.AddedAt, a.Reason);
}
