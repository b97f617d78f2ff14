using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Experiments;
using System.Security.Claims;

namespace Moderation.AuthApi.Experiments;

/// <summary>Native experiment API: <c>/api/v1/experiments</c>. Any signed-in user reads; org admins and global admins create; owners change and delete.</summary>
public static class ExperimentEndpoints
{
    public static IEndpointRouteBuilder MapExperiments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments").WithTags("Experiments").RequireAuthorization();

        group.MapPost("/", Create).Validate<CreateExperimentRequest>()
            .WithName("CreateExperiment").WithSummary("Create an experiment (global admins, or admins of its HF organization).");
        group.MapGet("/", List).WithName("ListExperiments").WithSummary("List experiments, with your role in each.");
        group.MapGet("/{org}/{model}", Get).WithName("GetExperiment").WithSummary("One experiment.");
        group.MapPatch("/{org}/{model}", Update).Validate<UpdateExperimentRequest>()
            .WithName("UpdateExperiment").WithSummary("Change an experiment's settings (owners).");
        group.MapDelete("/{org}/{model}", Delete).WithName("DeleteExperiment").WithSummary("Delete an experiment (owners).");
        return app;
    }

    private static async Task<Results<Created<ExperimentResponse>, ProblemHttpResult>> Create(
        CreateExperimentRequest request, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        ExperimentCreation creation, CancellationToken ct)
    {
        var user = HfIdentity.FromPrincipal(principal);
        var org = request.OrganizationName!;
        if (!roles.CanCreateFor(user, org))
        {
            return Problems.Forbidden($"Only admins of the Hugging Face organization '{org}' (or global admins) may create its experiments.");
        }
        if (await db.Experiments.AnyAsync(e => e.OrganizationName == org && e.ModelName == request.ModelName, ct))
        {
            return Problems.Conflict($"The experiment {org}/{request.ModelName} already exists.");
        }

        var experiment = new Experiment
        {
            OrganizationName = org,
            ModelName = request.ModelName!,
            CoordinatorIp = request.CoordinatorIp,
            CoordinatorPort = request.CoordinatorPort,
            AccessPolicy = request.AccessPolicy ?? AccessPolicy.OrgMembers,
            TokenLifetimeMinutes = request.TokenLifetimeMinutes ?? ExperimentLimits.DefaultTokenLifetimeMinutes,
            LeaderboardVisible = request.LeaderboardVisible ?? true,
            CreatedBy = user.Username,
        };
        await creation.CreateAsync(db, experiment, ct);
        return TypedResults.Created($"/api/v1/experiments/{experiment.OrganizationName}/{experiment.ModelName}",
            experiment.ToDto(ExperimentRole.Owner));
    }

    private static async Task<Ok<ExperimentPage>> List(
        ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct,
        int page = 1, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "page_size")] int pageSize = 50)
    {
        var user = HfIdentity.FromPrincipal(principal);
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, 200);
        var total = await db.Experiments.CountAsync(ct);
        var experiments = await db.Experiments.AsNoTracking().Include(e => e.Members)
            .OrderBy(e => e.OrganizationName).ThenBy(e => e.ModelName)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var items = experiments.Select(e => e.ToDto(roles.RoleIn(e, user))).ToList();
        return TypedResults.Ok(new ExperimentPage(items, page, pageSize, total));
    }

    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> Get(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        var experiment = await db.FindByNameAsync(org, model, ct);
        return experiment is null
            ? Problems.NotFound($"There is no experiment {org}/{model}.")
            : TypedResults.Ok(experiment.ToDto(roles.RoleIn(experiment, HfIdentity.FromPrincipal(principal))));
    }

    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> Update(
        string org, string model, UpdateExperimentRequest request, ClaimsPrincipal principal, ModerationDb db,
        ExperimentRoles roles, ExperimentCache cache, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var user = HfIdentity.FromPrincipal(principal);
        var experiment = await db.FindByNameAsync(org, model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        if (roles.RoleIn(experiment, user) != ExperimentRole.Owner)
        {
            return Problems.Forbidden($"Only owners of {org}/{model} may change its settings.");
        }

        var before = experiment.ToDto(ExperimentRole.None);
        experiment.CoordinatorIp = request.CoordinatorIp ?? experiment.CoordinatorIp;
        experiment.CoordinatorPort = request.CoordinatorPort ?? experiment.CoordinatorPort;
        experiment.AccessPolicy = request.AccessPolicy ?? experiment.AccessPolicy;
        experiment.TokenLifetimeMinutes = request.TokenLifetimeMinutes ?? experiment.TokenLifetimeMinutes;
        experiment.LeaderboardVisible = request.LeaderboardVisible ?? experiment.LeaderboardVisible;
        experiment.UpdatedAt = clock.GetUtcNow();
        await db.InTransactionAsync(async () =>
        {
            await audit.AppendAsync(db, new AuditRecord(experiment, user.Username, "experiment.updated",
                $"{org}/{model}", Before: before, After: experiment.ToDto(ExperimentRole.None)), ct);
            return await db.SaveChangesAsync(ct);
        }, ct);
        await cache.EvictAsync(experiment);
        return TypedResults.Ok(experiment.ToDto(ExperimentRole.Owner));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, ExperimentCache cache,
        AuditLog audit, CancellationToken ct)
    {
        var experiment = await db.FindByNameAsync(org, model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        var user = HfIdentity.FromPrincipal(principal);
        if (roles.RoleIn(experiment, user) != ExperimentRole.Owner)
        {
            return Problems.Forbidden($"Only owners of {org}/{model} may delete it.");
        }
        await db.InTransactionAsync(async () =>
        {
            await audit.AppendAsync(db, new AuditRecord(experiment, user.Username, "experiment.deleted", $"{org}/{model}",
                Before: experiment.ToDto(ExperimentRole.None)), ct);
            db.Experiments.Remove(experiment);
            return await db.SaveChangesAsync(ct);
        }, ct);
        await cache.EvictAsync(experiment);
        return TypedResults.NoContent();
    }
}
