using System.Text.Json.Serialization;
using Moderation.Contracts.Tokens;

namespace Moderation.Contracts.Checkpoints;

/// <summary>The checkpoint peers should load from, signed by the experiment (compact JWS, <c>typ: current-checkpoint+jws</c>).</summary>
public sealed record CurrentCheckpoint(
    [property: JsonPropertyName("experiment")] string Experiment,
    [property: JsonPropertyName("checkpoint_id")] long CheckpointId,
    [property: JsonPropertyName("repository")] string Repository,
    [property: JsonPropertyName("revision")] string Revision,
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("rollback_id")] long? RollbackId,
    [property: JsonPropertyName("issued_at")] long IssuedAt)
{
    public const string Type = "current-checkpoint+jws";

    public static CurrentCheckpoint? Verify(string jws, ExperimentKeySet keys, string experiment, out string? error)
    {
        var current = CompactJws.Verify<CurrentCheckpoint>(jws, keys, Type, out error);
        if (current is not null && current.Experiment != experiment)
        {
            error = $"The document is not for {experiment}.";
            return null;
        }
        return current;
    }
}
