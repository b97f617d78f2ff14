using FluentValidation;
using Moderation.Contracts.Validation;

namespace Moderation.Contracts.Experiments;

// The reference server's (huggingface/collaborative-training-auth) experiment shapes, kept exactly so its clients work.

/// <param name="CoordinatorPort">
/// A number, or a string of digits as the reference server's pydantic model also reads it (scripts that pass a port from
/// an environment variable work against both); nowhere else is a number read from a string.
/// </param>
public sealed record ReferenceExperimentInput(
    string? OrganizationName = null,
    string? ModelName = null,
    string? CoordinatorIp = null,
    [property: System.Text.Json.Serialization.JsonNumberHandling(System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString)]
    int? CoordinatorPort = null);

public sealed record ReferenceCreateExperimentRequest(ReferenceExperimentInput? NewExperiment);

public sealed record ReferenceUpdateExperimentRequest(ReferenceExperimentInput? ExperimentUpdate);

/// <param name="CreatedAt">Always six fractional digits (<see cref="Json.MicrosecondTimestampConverter"/>), the same value on every read.</param>
public sealed record ReferenceExperimentResponse(
    int Id,
    string OrganizationName,
    string ModelName,
    string? CoordinatorIp,
    int? CoordinatorPort,
    string Creator,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(Json.MicrosecondTimestampConverter))] DateTimeOffset CreatedAt,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(Json.MicrosecondTimestampConverter))] DateTimeOffset UpdatedAt);

public sealed class ReferenceCreateExperimentRequestValidator : AbstractValidator<ReferenceCreateExperimentRequest>
{
    public ReferenceCreateExperimentRequestValidator()
    {
        RuleFor(r => r.NewExperiment).NotNull();
        When(r => r.NewExperiment is not null, () =>
        {
            RuleFor(r => r.NewExperiment!.OrganizationName).NotEmpty().HfName().OverridePropertyName("new_experiment.organization_name").WithName("new_experiment.organization_name");
            RuleFor(r => r.NewExperiment!.ModelName).NotEmpty().HfName().OverridePropertyName("new_experiment.model_name").WithName("new_experiment.model_name");
            RuleFor(r => r.NewExperiment!.CoordinatorIp).IpAddress().OverridePropertyName("new_experiment.coordinator_ip").WithName("new_experiment.coordinator_ip");
            RuleFor(r => r.NewExperiment!.CoordinatorPort).Port().OverridePropertyName("new_experiment.coordinator_port").WithName("new_experiment.coordinator_port");
        });
    }
}

public sealed class ReferenceUpdateExperimentRequestValidator : AbstractValidator<ReferenceUpdateExperimentRequest>
{
    public ReferenceUpdateExperimentRequestValidator()
    {
        RuleFor(r => r.ExperimentUpdate).NotNull();
        When(r => r.ExperimentUpdate is not null, () =>
        {
            RuleFor(r => r.ExperimentUpdate!.OrganizationName).HfName()
                .When(r => r.ExperimentUpdate!.OrganizationName is not null)
                .OverridePropertyName("experiment_update.organization_name").WithName("experiment_update.organization_name");
            RuleFor(r => r.ExperimentUpdate!.ModelName).HfName()
                .When(r => r.ExperimentUpdate!.ModelName is not null)
                .OverridePropertyName("experiment_update.model_name").WithName("experiment_update.model_name");
            RuleFor(r => r.ExperimentUpdate!.CoordinatorIp).IpAddress().OverridePropertyName("experiment_update.coordinator_ip").WithName("experiment_update.coordinator_ip");
            RuleFor(r => r.ExperimentUpdate!.CoordinatorPort).Port().OverridePropertyName("experiment_update.coordinator_port").WithName("experiment_update.coordinator_port");
        });
    }
}
