using FluentValidation;
using Moderation.Contracts.Validation;

namespace Moderation.Contracts.Experiments;

public sealed class CreateExperimentRequestValidator : AbstractValidator<CreateExperimentRequest>
{
    public CreateExperimentRequestValidator()
    {
        RuleFor(r => r.OrganizationName).NotEmpty().HfName();
        RuleFor(r => r.ModelName).NotEmpty().HfName();
        RuleFor(r => r.CoordinatorIp).IpAddress();
        RuleFor(r => r.CoordinatorPort).Port();
        RuleFor(r => r.AccessPolicy).IsInEnum();
        RuleFor(r => r.TokenLifetimeMinutes)
            .InclusiveBetween(ExperimentLimits.MinTokenLifetimeMinutes, ExperimentLimits.MaxTokenLifetimeMinutes);
    }
}

public sealed class UpdateExperimentRequestValidator : AbstractValidator<UpdateExperimentRequest>
{
    public UpdateExperimentRequestValidator()
    {
        RuleFor(r => r.CoordinatorIp).IpAddress();
        RuleFor(r => r.CoordinatorPort).Port();
        RuleFor(r => r.AccessPolicy).IsInEnum();
        RuleFor(r => r.TokenLifetimeMinutes)
            .InclusiveBetween(ExperimentLimits.MinTokenLifetimeMinutes, ExperimentLimits.MaxTokenLifetimeMinutes);
    }
}
