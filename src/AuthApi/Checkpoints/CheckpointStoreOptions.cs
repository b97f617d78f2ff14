using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Checkpoints;

public sealed class CheckpointStoreOptions
{
    public const string Section = "Checkpoints";

    /// <summary><c>registry</c> (default: rollbacks change only this database) or <c>hub</c> (also move a branch on the Hub).</summary>
    [RegularExpression(@"^(registry|hub)\z")]
    public string Store { get; set; } = "registry";

    /// <summary>The Hub branch a rollback moves to the target revision.</summary>
    public string Branch { get; set; } = "stable";

    /// <summary>An HF token with write access to the checkpoint repositories (for the hub store).</summary>
    public string? HubToken { get; set; }

    /// <summary>Pauses between attempts to apply a rollback to the store (attempts = pauses + 1); default 2 s, 10 s, 30 s.</summary>
    public int[]? RetryDelaysMilliseconds { get; set; }

    public int[] RetryDelays => RetryDelaysMilliseconds is { Length: > 0 } delays ? delays : [2_000, 10_000, 30_000];
}
