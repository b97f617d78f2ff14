namespace Moderation.AuthApi.Jobs;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// How often each worker looks for outbox rows that no commit's notification announced to it (committed while no
    /// worker listened, or left by a worker that died handing them over), and how long it waits before listening again
    /// after losing the database.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int SweepSeconds { get; set; } = 5;
}
