using Moderation.AuthApi.Data;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Authorization;

/// <summary>
/// The experiment an endpoint's route names, loaded once per request by <see cref="ExperimentAccessFilter"/> together
/// with the caller's role in it. The instance may be shared with other requests (a short cache): read it, don't change it.
/// </summary>
public sealed class ExperimentContext
{
    private Experiment? _experiment;

    public bool IsLoaded => _experiment is not null;

    public Experiment Experiment => _experiment ?? throw new InvalidOperationException("This endpoint does not declare an experiment access rule.");

    /// <summary>The calling user's role (None for service keys and peers).</summary>
    public ExperimentRole Role { get; private set; }

    /// <summary><c>org/model</c>.</summary>
    public string Name => $"{Experiment.OrganizationName}/{Experiment.ModelName}";

    public int Id => Experiment.Id;

    internal void Set(Experiment experiment, ExperimentRole role) => (_experiment, Role) = (experiment, role);
}
