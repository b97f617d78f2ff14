namespace Moderation.AuthApi.Data;

/// <summary>A user admitted to an experiment by name, whatever its access policy: who added them, when and why.</summary>
public sealed class AllowlistEntry
{
    public int ExperimentId { get; set; }
    public required string UserId { get; set; }
    public HfUser? User { get; set; }
    public required string AddedBy { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public string? Reason { get; set; }
}
