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
    public const int MaxAllowedRepositories = 100;

    public UpdateExperimentRequestValidator()
    {
        RuleFor(r => r.AllowedCheckpointRepositories).Must(r => r is null || r.Count <= MaxAllowedRepositories)
            .WithMessage($"'allowed_checkpoint_repositories' may list at most {MaxAllowedRepositories} repositories.");
        RuleForEach(r => r.AllowedCheckpointRepositories).Must(HfNames.IsRepositoryId)
            .WithMessage("Each of 'allowed_checkpoint_repositories' must be a Hub repository id 'owner/name'.");
        RuleFor(r => r.MaxPeerKeysPerUser).InclusiveBetween(1, ExperimentLimits.MaxMaxPeerKeysPerUser);
        RuleFor(r => r.CoordinatorIp).IpAddress();
        RuleFor(r => r.CoordinatorPort).Port();
        RuleFor(r => r.AccessPolicy).IsInEnum();
        RuleFor(r => r.TokenLifetimeMinutes)
            .InclusiveBetween(ExperimentLimits.MinTokenLifetimeMinutes, ExperimentLimits.MaxTokenLifetimeMinutes);
    }
}
