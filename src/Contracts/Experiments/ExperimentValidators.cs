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
        RuleFor(r => r.InitialPeers).MultiaddrList();
        RuleFor(r => r.TrainingScriptUrl).Must(u => u is null or "" || TrainingScriptLinks.IsValid(u))
            .WithMessage($"'training_script_url' must be an absolute http(s) URL of at most {TrainingScriptLinks.MaxLength} printable ASCII characters, without a user name or password (or empty to remove the link).");
        RuleFor(r => r.CoordinatorIp).IpAddress();
        RuleFor(r => r.CoordinatorPort).Port();
        RuleFor(r => r.AccessPolicy).IsInEnum();
        RuleFor(r => r.TokenLifetimeMinutes)
            .InclusiveBetween(ExperimentLimits.MinTokenLifetimeMinutes, ExperimentLimits.MaxTokenLifetimeMinutes);
    }
}

/// <summary>The link to a run's training repository or script that owners set and admitted participants see.</summary>
public static class TrainingScriptLinks
{
    public const int MaxLength = 2048;

    public static bool IsValid(string url) =>
        url.Length <= MaxLength && url.All(c => c is >= '!' and <= '~')
        && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.UserInfo.Length == 0 && uri.Host.Length > 0;
}
