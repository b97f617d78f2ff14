using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Allowlist;

/// <summary><c>/api/v1/experiments/{org}/{model}/allowlist</c>: users admitted by name, managed by moderators.</summary>
public static class AllowlistEndpoints
{
    public static IEndpointRouteBuilder MapAllowlist(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/allowlist").WithTags("Allowlist").RequireAuthorization();
        group.MapGet("/", List).WithName("ListAllowlist").WithSummary("Allowlisted users, searchable and paged (moderators).");
        group.MapPut("/{username}", Add).Validate<AllowlistAddRequest>().WithName("AddToAllowlist").WithSummary("Admit a user by name (moderators).");
        group.MapDelete("/{username}", Remove).WithName("RemoveFromAllowlist").WithSummary("Take a user off the allowlist (moderators).");
        group.MapPost("/import", Import).Validate<AllowlistImportRequest>().WithName("ImportAllowlist")
            .WithSummary("Add many usernames, one per line, with a report per line (moderators).");
        return app;
    }

    private static async Task<Results<Ok<Paged<AllowlistEntryResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct,
        string? q = null, int page = 1, [FromQuery(Name = "page_size")] int pageSize = 50)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "see its allowlist", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, ModerationLimits.MaxPageSize);
        var query = db.AllowlistEntries.AsNoTracking().Where(a => a.ExperimentId == found.Experiment!.Id);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = "%" + q.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(a => EF.Functions.ILike(a.Username, pattern));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(a => a.Username).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(a => new AllowlistEntryResponse(a.Username, a.AddedBy, a.AddedAt, a.Reason)).ToListAsync(ct);
        return TypedResults.Ok(new Paged<AllowlistEntryResponse>(items, page, pageSize, total));
    }

    private static async Task<Results<Created<AllowlistEntryResponse>, Ok<AllowlistEntryResponse>, ProblemHttpResult>> Add(
        string org, string model, string username, [FromBody] AllowlistAddRequest? request, ClaimsPrincipal principal, ModerationDb db,
        ExperimentRoles roles, HfUsers users, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        // The body is optional: a PUT without one admits the user without a reason.
        if (!HfNames.IsValid(username))
        {
            return Problems.BadRequest($"'username' {HfNames.Rule}.");
        }
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "change its allowlist", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var experiment = found.Experiment!;
        var existing = await db.AllowlistEntries.AsNoTracking().FirstOrDefaultAsync(a => a.ExperimentId == experiment.Id && a.Username == username, ct);
        if (existing is not null)
        {
            return TypedResults.Ok(existing.ToDto());
        }
        if (!await users.ExistsAsync(username, ct))
        {
            return Problems.UnknownUser(username);
        }
        var entry = new AllowlistEntry
        {
            ExperimentId = experiment.Id, Username = username, AddedBy = found.User.Username, AddedAt = clock.GetUtcNow(), Reason = request?.Reason,
        };
        await db.InTransactionAsync(async () =>
        {
            db.AllowlistEntries.Add(entry);
            await audit.AppendAsync(db, new AuditRecord(experiment, found.User.Username, "allowlist.added", username, entry.Reason), ct);
            return await db.SaveChangesAsync(ct);
        }, ct);
        return TypedResults.Created($"/api/v1/experiments/{org}/{model}/allowlist/{username}", entry.ToDto());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Remove(
        string org, string model, string username, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, AuditLog audit,
        CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "change its allowlist", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var experiment = found.Experiment!;
        var removed = await db.InTransactionAsync(async () =>
        {
            var count = await db.AllowlistEntries.Where(a => a.ExperimentId == experiment.Id && a.Username == username).ExecuteDeleteAsync(ct);
            if (count > 0)
            {
                await audit.AppendAsync(db, new AuditRecord(experiment, found.User.Username, "allowlist.removed", username), ct);
                await db.SaveChangesAsync(ct);
            }
            return count;
        }, ct);
        return removed == 0 ? Problems.NotFound($"{username} is not on the allowlist of {org}/{model}.") : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<AllowlistImportResponse>, ProblemHttpResult>> Import(
        string org, string model, AllowlistImportRequest request, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "change its allowlist", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var experiment = found.Experiment!;
        var present = (await db.AllowlistEntries.Where(a => a.ExperimentId == experiment.Id).Select(a => a.Username).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var lines = new List<ImportLineResult>();
        var added = new List<string>();
        var number = 0;
        foreach (var raw in request.Usernames!.Split('\n'))
        {
            number++;
            var name = raw.Trim();
            if (name.Length == 0 || name.StartsWith('#'))
            {
                continue;
            }
            var outcome = !HfNames.IsValid(name) ? ImportOutcome.InvalidName
                : !present.Add(name) ? ImportOutcome.AlreadyPresent
                : ImportOutcome.Added;
            if (outcome == ImportOutcome.Added)
            {
                added.Add(name);
                db.AllowlistEntries.Add(new AllowlistEntry
                {
                    ExperimentId = experiment.Id, Username = name, AddedBy = found.User.Username, AddedAt = now, Reason = request.Reason,
                });
            }
            lines.Add(new ImportLineResult(number, name.Length > 100 ? name[..100] : name, outcome));
        }
        if (added.Count > 0)
        {
            await db.InTransactionAsync(async () =>
            {
                await audit.AppendAsync(db, new AuditRecord(experiment, found.User.Username, "allowlist.imported", $"{added.Count} users",
                    request.Reason, After: added), ct);
                return await db.SaveChangesAsync(ct);
            }, ct);
        }
        return TypedResults.Ok(new AllowlistImportResponse(added.Count, lines.Count(l => l.Outcome == ImportOutcome.AlreadyPresent),
            lines.Count(l => l.Outcome == ImportOutcome.InvalidName), lines));
    }

    private static AllowlistEntryResponse ToDto(this AllowlistEntry a) => new(a.Username, a.AddedBy, a.AddedAt, a.Reason);
}
