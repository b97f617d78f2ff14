namespace Moderation.AuthApi.Data;

/// <summary>A moderator's request to move an experiment back to a checkpoint an attack did not touch, tracked through its Hangfire job.</summary>
public sealed class Rollback
{
    public long Id { get; set; }
    public int ExperimentId { get; set; }
    public long CheckpointId { get; set; }
    public required string Reason { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public RollbackStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public int SupersededCheckpoints { get; set; }
    public int MarkedContributions { get; set; }
}
