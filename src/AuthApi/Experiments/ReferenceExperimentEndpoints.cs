using Microsoft.AspNetCore.Http.HttpResults;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

/// <summary>
/// The reference server's experiment endpoints (<c>/api/experiments/…</c>) with its exact shapes and status codes:
/// 201 on create, 200 otherwise, 422 for malformed input (FastAPI's shape: <see cref="ReferenceProblems"/>), and 401 with a
/// <c>detail</c> for every refusal. <c>{id}</c> is parsed by <see cref="ExperimentAccessFilter"/>, as FastAPI does: not an
/// integer is 422; below 1 is 422 where the reference declares <c>ge=1</c> (PUT, DELETE) and an unknown experiment (401) on GET.
/// </summary>
public static class ReferenceExperimentEndpoints
{
    public static IEndpointRouteBuilder MapReferenceExperiments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/experiments").WithTags("Reference-compatible experiments");
        group.MapPost("/", Create).ForSignedInUsers(reference: true).ValidateReference<ReferenceCreateExperimentRequest>()
            .WithName("experiments:create-experiment");
        var owned = app.MapGroup("/api/experiments").WithTags("Reference-compatible experiments").ForExperimentRole(ExperimentRole.Owner, reference: true);
        owned.MapGet("/", Get).WithName("experiments:get-experiment-by-organization-and-model-name");
        owned.MapGet("/{id}/", Get).WithName("experiments:get-experiment-by-id");
        owned.MapPut("/{id}/", Update).ValidateReference<ReferenceUpdateExperimentRequest>()
            .WithName("experiments:update-experiment-by-id");
        owned.MapDelete("/{id}/", Delete).WithName("experiments:delete-experiment-by-id");
        return app;
    }

    private static async Task<Results<Created<ReferenceExperimentResponse>, ProblemHttpResult>> Create(
        ReferenceCreateExperimentRequest request, ExperimentService experiments, CancellationToken ct)
    {
        var input = request.NewExperiment!;
        var draft = new Experiment
        {
            OrganizationName = input.OrganizationName!, ModelName = input.ModelName!, CoordinatorIp = input.CoordinatorIp,
            CoordinatorPort = input.CoordinatorPort, CreatedBy = "",
        };
        return await experiments.CreateAsync(draft, ct) switch
        {
            ExperimentOutcome.NotAdminOfOrganization => Problems.ReferenceRefusal(
                $"You need to be an admin of the organization {input.OrganizationName} to create a collaborative experiment for the model {input.ModelName}"),
            ExperimentOutcome.NameTaken => Problems.ReferenceRefusal(
                $"An experiment already exist for the organization {input.OrganizationName} and the model {input.ModelName}"),
            ExperimentOutcome.CallerBanned => Problems.ReferenceRefusal("You are banned from every experiment, which leaves you no power to create one."),
            _ => TypedResults.Created($"/api/experiments/{draft.Id}/", draft.ToReferenceDto()),
        };
    }

    private static Ok<ReferenceExperimentResponse> Get(ExperimentContext context) => TypedResults.Ok(context.Experiment.ToReferenceDto());

    private static async Task<Results<Ok<ReferenceExperimentResponse>, ProblemHttpResult>> Update(
        ReferenceUpdateExperimentRequest request, ExperimentContext context, ExperimentService experiments, CancellationToken ct)
    {
        var input = request.ExperimentUpdate!;
        var (experiment, outcome) = await experiments.UpdateAsync(context.Id,
            new ExperimentChange(input.OrganizationName, input.ModelName, input.CoordinatorIp, input.CoordinatorPort), ct);
        return outcome switch
        {
            ExperimentOutcome.NotAdminOfOrganization => Problems.ReferenceRefusal(
                $"Moving the experiment from {experiment.OrganizationName} to {input.OrganizationName} needs an admin of both organizations (or a global admin); an owner grant is not enough"),
            ExperimentOutcome.NameTaken => Problems.ReferenceRefusal(
                $"An experiment already exist for the organization {input.OrganizationName ?? experiment.OrganizationName} and the model {input.ModelName ?? experiment.ModelName}"),
            _ => TypedResults.Ok(experiment.ToReferenceDto()),
        };
    }

    private static async Task<Ok<ReferenceExperimentResponse>> Delete(ExperimentContext context, ExperimentService experiments, CancellationToken ct) =>
        TypedResults.Ok((await experiments.DeleteAsync(context.Id, ct)).ToReferenceDto());
}
