namespace Moderation.AuthApi.Data;

/// <summary>A model checkpoint an auxiliary peer uploaded to the Hub and registered here.</summary>
public sealed class Checkpoint
{
    public long Id { get; set; }
    public int ExperimentId { get; set; }
    public long Step { get; set; }
    public required string Repository { get; set; }
    /// <summary>The Hub commit id (40 hex characters).</summary>
    public required string Revision { get; set; }
    public double? Loss { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
    public Guid RegisteredByKey { get; set; }
    public long? SizeBytes { get; set; }
    public string? Url { get; set; }
    public CheckpointStatus Status { get; set; }
    public string? QuarantineReason { get; set; }
    public string? QuarantinedBy { get; set; }
    public DateTimeOffset? QuarantinedAt { get; set; }
}
