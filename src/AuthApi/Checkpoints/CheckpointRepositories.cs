using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Checkpoints;

/// <summary>
/// Which Hub repositories an experiment's checkpoints may come from: those of its own HF organization, and those listed
/// in <see cref="Experiment.AllowedCheckpointRepositories"/>. A repository outside the organization can be listed only
/// by a global admin (owners may remove entries, not add foreign ones), so every foreign entry carries a global admin's
/// approval. Checked at registration, when a rollback is requested, and again by the Hub store before it touches a branch.
/// </summary>
public static class CheckpointRepositories
{
    public static bool IsAllowed(Experiment experiment, string repository) =>
        repository.Split('/') is [_, _]
        && (InOrganization(experiment.OrganizationName, repository)
            || experiment.AllowedCheckpointRepositories.Contains(repository, StringComparer.OrdinalIgnoreCase));

    public static bool InOrganization(string organization, string repository) =>
        repository.Split('/') is [var owner, _] && string.Equals(owner, organization, StringComparison.OrdinalIgnoreCase);

    /// <summary>The entries of <paramref name="requested"/> outside the experiment's organization that it does not list yet.</summary>
    public static IReadOnlyList<string> NeedingApproval(Experiment experiment, IReadOnlyList<string>? requested) =>
        requested is null
            ? []
            : requested.Where(r => !InOrganization(experiment.OrganizationName, r)
                                   && !experiment.AllowedCheckpointRepositories.Contains(r, StringComparer.OrdinalIgnoreCase))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public static string NeedsGlobalAdmin(Experiment experiment, IReadOnlyList<string> repositories) =>
        $"Only a global admin may allow checkpoint repositories outside {experiment.OrganizationName}: {string.Join(", ", repositories)}. "
        + "A rollback moves a branch of the repository with this service's own Hub token, so a repository of another organization "
        + "needs a global admin's approval: ask one to add it. Nothing was changed.";

    public static string Refusal(Experiment experiment, string repository) =>
        $"{repository} is not an allowed checkpoint repository of {experiment.OrganizationName}/{experiment.ModelName}: checkpoints come from "
        + $"the repositories of {experiment.OrganizationName}, or from those a global admin listed in allowed_checkpoint_repositories.";
}
