using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Checkpoints;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Experiments;

/// <summary>Native experiment API: <c>/api/v1/experiments</c>. Any signed-in user reads; org admins and global admins create; owners change and delete.</summary>
public static class ExperimentEndpoints
{
    public static IEndpointRouteBuilder MapExperiments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments").WithTags("Experiments");
        group.MapPost("/", Create).ForSignedInUsers().Validate<CreateExperimentRequest>()
            .WithName("CreateExperiment").WithSummary("Create an experiment (global admins, or admins of its HF organization).");
        group.MapGet("/", List).ForSignedInUsers().WithName("ListExperiments").WithSummary("List experiments, with your role in each.");
        group.MapGet("/{org}/{model}", Get).ForExperimentRole(ExperimentRole.None).WithName("GetExperiment")
            .WithSummary("One experiment; its coordinator address only for those who may join it.");
        group.MapPatch("/{org}/{model}", Update).ForExperimentRole(ExperimentRole.Owner).Validate<UpdateExperimentRequest>()
            .WithName("UpdateExperiment").WithSummary("Change an experiment's settings (owners).");
        group.MapDelete("/{org}/{model}", Delete).ForExperimentRole(ExperimentRole.Owner).WithName("DeleteExperiment")
            .WithSummary("Delete an experiment (owners).");
        return app;
    }

    private static async Task<Results<Created<ExperimentResponse>, ProblemHttpResult>> Create(
        CreateExperimentRequest request, ExperimentService experiments, CancellationToken ct)
    {
        var draft = new Experiment
        {
            OrganizationName = request.OrganizationName!,
            ModelName = request.ModelName!,
            CoordinatorIp = request.CoordinatorIp,
            CoordinatorPort = request.CoordinatorPort,
            AccessPolicy = request.AccessPolicy ?? AccessPolicy.OrgMembers,
            TokenLifetimeMinutes = request.TokenLifetimeMinutes ?? ExperimentLimits.DefaultTokenLifetimeMinutes,
            LeaderboardVisible = request.LeaderboardVisible ?? true,
            CreatedBy = "",
        };
        return await experiments.CreateAsync(draft, ct) switch
        {
            ExperimentOutcome.NotAdminOfOrganization => Problems.Forbidden(
                $"Only admins of the Hugging Face organization '{draft.OrganizationName}' (or global admins) may create its experiments."),
            ExperimentOutcome.NameTaken => Problems.Conflict($"The experiment {draft.OrganizationName}/{draft.ModelName} already exists."),
            ExperimentOutcome.CallerBanned => Problems.Forbidden("You are banned from every experiment, which leaves you no power to create one."),
            _ => TypedResults.Created($"/api/v1/experiments/{draft.OrganizationName}/{draft.ModelName}", draft.ToDto(ExperimentRole.Owner, true)),
        };
    }

    private static async Task<Results<Ok<ExperimentPage>, ProblemHttpResult>> List(
        Caller caller, ModerationDb db, ExperimentRoles roles, JoinAccess access, TimeProvider clock, CancellationToken ct,
        int page = 1, [FromQuery(Name = "page_size")] int pageSize = 50)
    {
        if (Paging.Check(page, pageSize, 200) is { } invalid)
        {
            return invalid;
        }
        var total = await db.Experiments.CountAsync(ct);
        var experiments = await db.Experiments.AsNoTracking().Include(e => e.Members)
            .OrderBy(e => e.OrganizationName).ThenBy(e => e.ModelName)
            .Skip(Paging.Offset(page, pageSize)).Take(pageSize).ToListAsync(ct);
        var admitted = await access.AdmittedAsync(db, experiments, caller, ct);
        var bans = await BanStanding.LoadAsync(db, caller.User.Id, clock.GetUtcNow(), ct);
        var items = experiments.Select(e =>
        {
            var role = roles.RoleIn(e, caller, bans);
            return e.ToDto(role, role >= ExperimentRole.Moderator || admitted.Contains(e.Id));
        }).ToList();
        return TypedResults.Ok(new ExperimentPage(items, page, pageSize, total));
    }

    private static async Task<Ok<ExperimentResponse>> Get(ExperimentContext context, Caller caller, ModerationDb db, JoinAccess access, CancellationToken ct)
    {
        var visible = context.Role >= ExperimentRole.Moderator || await access.DecideAsync(db, context.Experiment, caller, ct) is null;
        return TypedResults.Ok(context.Experiment.ToDto(context.Role, visible));
    }

    private static async Task<Results<Ok<ExperimentResponse>, ProblemHttpResult>> Update(
        UpdateExperimentRequest request, ExperimentContext context, ExperimentService experiments, CancellationToken ct)
    {
        var change = new ExperimentChange(CoordinatorIp: request.CoordinatorIp, CoordinatorPort: request.CoordinatorPort,
            AccessPolicy: request.AccessPolicy, TokenLifetimeMinutes: request.TokenLifetimeMinutes, LeaderboardVisible: request.LeaderboardVisible,
            AllowedCheckpointRepositories: request.AllowedCheckpointRepositories, MaxPeerKeysPerUser: request.MaxPeerKeysPerUser,
            InitialPeers: request.InitialPeers, TrainingScriptUrl: request.TrainingScriptUrl);
        var (experiment, outcome) = await experiments.UpdateAsync(context.Id, change, ct);
        return outcome == ExperimentOutcome.RepositoryNeedsGlobalAdmin
            ? Problems.Forbidden(CheckpointRepositories.NeedsGlobalAdmin(experiment,
                CheckpointRepositories.NeedingApproval(experiment, request.AllowedCheckpointRepositories)))
            : TypedResults.Ok(experiment.ToDto(ExperimentRole.Owner, true));
    }

    private static async Task<NoContent> Delete(ExperimentContext context, ExperimentService experiments, CancellationToken ct)
    {
        await experiments.DeleteAsync(context.Id, ct);
        return TypedResults.NoContent();
    }
}
