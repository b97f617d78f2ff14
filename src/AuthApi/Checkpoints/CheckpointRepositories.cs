using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Checkpoints;

/// <summary>
/// Which Hub repositories an experiment's checkpoints may come from: those of its own HF organization, and those its
/// owners added to <see cref="Experiment.AllowedCheckpointRepositories"/>. Checked at registration and again by the
/// Hub store before it touches a branch.
/// </summary>
public static class CheckpointRepositories
{
    public static bool IsAllowed(Experiment experiment, string repository) =>
        repository.Split('/') is [var owner, _]
        && (string.Equals(owner, experiment.OrganizationName, StringComparison.OrdinalIgnoreCase)
            || experiment.AllowedCheckpointRepositories.Contains(repository, StringComparer.OrdinalIgnoreCase));

    public static string Refusal(Experiment experiment, string repository) =>
        $"{repository} is not an allowed checkpoint repository of {experiment.OrganizationName}/{experiment.ModelName}: checkpoints come from "
        + $"the repositories of {experiment.OrganizationName}, or from those its owners list in allowed_checkpoint_repositories.";
}
