using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

/// <summary>
/// The reference server's experiment endpoints (<c>/api/experiments/…</c>) with its exact shapes and status codes:
/// 201 on create, 200 otherwise, 422 for malformed input, and 401 with a <c>detail</c> for every refusal.
/// </summary>
public static class ReferenceExperimentEndpoints
{
    private const string OwnersOnly = "You need to be an admin of the organization to manage the collaborative experiment for the model";

    public static IEndpointRouteBuilder MapReferenceExperiments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/experiments").WithTags("Reference-compatible experiments").RequireAuthorization();
        group.MapPost("/", Create).Validate<ReferenceCreateExperimentRequest>(StatusCodes.Status422UnprocessableEntity)
            .WithName("experiments:create-experiment");
        group.MapGet("/", GetByName).WithName("experiments:get-experiment-by-organization-and-model-name");
        group.MapGet("/{id:int}/", GetById).WithName("experiments:get-experiment-by-id");
        group.MapPut("/{id:int}/", Update).Validate<ReferenceUpdateExperimentRequest>(StatusCodes.Status422UnprocessableEntity)
            .WithName("experiments:update-experiment-by-id");
        group.MapDelete("/{id:int}/", Delete).WithName("experiments:delete-experiment-by-id");
        return app;
    }

    private static async Task<Results<Created<ReferenceExperimentResponse>, ProblemHttpResult>> Create(
        ReferenceCreateExperimentRequest request, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        ExperimentCreation creation, CancellationToken ct)
    {
        var user = HfIdentity.FromPrincipal(principal);
        var input = request.NewExperiment!;
        if (!roles.CanCreateFor(user, input.OrganizationName!))
        {
            return Problems.ReferenceRefusal(
                $"You need to be an admin of the organization {input.OrganizationName} to create a collaborative experiment for the model {input.ModelName}");
        }
        if (await db.Experiments.AnyAsync(e => e.OrganizationName == input.OrganizationName && e.ModelName == input.ModelName, ct))
        {
            return Problems.ReferenceRefusal(
                $"An experiment already exist for the organization {input.OrganizationName} and the model {input.ModelName}");
        }

        var experiment = new Experiment
        {
            OrganizationName = input.OrganizationName!,
            ModelName = input.ModelName!,
            CoordinatorIp = input.CoordinatorIp,
            CoordinatorPort = input.CoordinatorPort,
            CreatedBy = user.Username,
        };
        await creation.CreateAsync(db, experiment, ct);
        return TypedResults.Created($"/api/experiments/{experiment.Id}/", experiment.ToReferenceDto());
    }

    private static async Task<Results<Ok<ReferenceExperimentResponse>, ProblemHttpResult>> GetByName(
        ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "organization_name")] string? organizationName = null,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "model_name")] string? modelName = null)
    {
        var experiment = organizationName is null || modelName is null
            ? null
            : await db.FindByNameAsync(organizationName, modelName, ct);
        return AsOwner(experiment, principal, roles) is { } refusal ? refusal : TypedResults.Ok(experiment!.ToReferenceDto());
    }

    private static async Task<Results<Ok<ReferenceExperimentResponse>, ProblemHttpResult>> GetById(
        int id, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct)
    {
        if (id < 1)
        {
            return InvalidId();
        }
        var experiment = await db.FindByIdAsync(id, ct);
        return AsOwner(experiment, principal, roles) is { } refusal ? refusal : TypedResults.Ok(experiment!.ToReferenceDto());
    }

    private static async Task<Results<Ok<ReferenceExperimentResponse>, ProblemHttpResult>> Update(
        int id, ReferenceUpdateExperimentRequest request, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles,
        ExperimentCache cache, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        if (id < 1)
        {
            return InvalidId();
        }
        var experiment = await db.FindByIdAsync(id, ct);
        if (AsOwner(experiment, principal, roles) is { } refusal)
        {
            return refusal;
        }
        var change = request.ExperimentUpdate!;
        var user = HfIdentity.FromPrincipal(principal);
        if (change.OrganizationName is { } newOrg && newOrg != experiment!.OrganizationName && !roles.CanCreateFor(user, newOrg))
        {
            return Problems.ReferenceRefusal($"You need to be an admin of the organization {newOrg} to move the experiment there");
        }

        ArgumentNullException.ThrowIfNull(experiment);
        await cache.EvictAsync(experiment);
        var before = experiment.ToReferenceDto();
        experiment.OrganizationName = change.OrganizationName ?? experiment.OrganizationName;
        experiment.ModelName = change.ModelName ?? experiment.ModelName;
        experiment.CoordinatorIp = change.CoordinatorIp ?? experiment.CoordinatorIp;
        experiment.CoordinatorPort = change.CoordinatorPort ?? experiment.CoordinatorPort;
        experiment.UpdatedAt = clock.GetUtcNow();
        await db.InTransactionAsync(async () =>
        {
            await audit.AppendAsync(db, new AuditRecord(experiment, user.Username, "experiment.updated",
                $"{experiment.OrganizationName}/{experiment.ModelName}", Before: before, After: experiment.ToReferenceDto()), ct);
            return await db.SaveChangesAsync(ct);
        }, ct);
        await cache.EvictAsync(experiment);
        return TypedResults.Ok(experiment.ToReferenceDto());
    }

    private static async Task<Results<Ok<ReferenceExperimentResponse>, ProblemHttpResult>> Delete(
        int id, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, ExperimentCache cache, AuditLog audit,
        CancellationToken ct)
    {
        if (id < 1)
        {
            return InvalidId();
        }
        var experiment = await db.FindByIdAsync(id, ct);
        if (AsOwner(experiment, principal, roles) is { } refusal)
        {
            return refusal;
        }
        await db.InTransactionAsync(async () =>
        {
            await audit.AppendAsync(db, new AuditRecord(experiment, HfIdentity.FromPrincipal(principal).Username, "experiment.deleted",
                $"{experiment!.OrganizationName}/{experiment.ModelName}", Before: experiment.ToReferenceDto()), ct);
            db.Experiments.Remove(experiment);
            return await db.SaveChangesAsync(ct);
        }, ct);
        await cache.EvictAsync(experiment!);
        return TypedResults.Ok(experiment!.ToReferenceDto());
    }

    // The reference server does not tell strangers whether an experiment exists: both are the same 401.
    private static ProblemHttpResult? AsOwner(Experiment? experiment, ClaimsPrincipal principal, ExperimentRoles roles)
    {
        if (experiment is null)
        {
            return Problems.ReferenceRefusal(OwnersOnly);
        }
        return roles.RoleIn(experiment, HfIdentity.FromPrincipal(principal)) == ExperimentRole.Owner
            ? null
            : Problems.ReferenceRefusal(
                $"You need to be an admin of the organization {experiment.OrganizationName} to manage the collaborative experiment for the model {experiment.ModelName}");
    }

    private static ProblemHttpResult InvalidId() => TypedResults.Problem(
        "'id' must be 1 or more.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "The request is not valid");
}
