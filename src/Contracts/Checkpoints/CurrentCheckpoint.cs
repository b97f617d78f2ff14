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

    public static async Task<(CurrentCheckpoint? Current, string? Error)> VerifyAsync(string jws, ExperimentKeySet keys, string experiment)
    {
        var (current, error) = await CompactJws.VerifyAsync<CurrentCheckpoint>(jws, keys, Type);
        return current is not null && current.Experiment != experiment ? (null, $"The document is not for {experiment}.") : (current, error);
    }
}
