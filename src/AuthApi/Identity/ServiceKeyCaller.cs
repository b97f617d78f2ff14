namespace Moderation.AuthApi.Identity;

/// <summary>A service key speaking for an auxiliary peer of one experiment, within its scopes.</summary>
public sealed record ServiceKeyCaller(Guid Id, int ExperimentId, string Name, IReadOnlyList<string> Scopes)
{
    public bool Allows(int experimentId, string scope) => ExperimentId == experimentId && Scopes.Contains(scope);
}
