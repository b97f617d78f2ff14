namespace Moderation.AuthApi.Data;

/// <summary>A ban of a user from one experiment, or from all of them when <see cref="ExperimentId"/> is null.</summary>
public sealed class Ban
{
    public long Id { get; set; }
    public int? ExperimentId { get; set; }
    public required string UserId { get; set; }
    public HfUser? User { get; set; }
    public required string Reason { get; set; }
    public string? Evidence { get; set; }
    public required string BannedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LiftedAt { get; set; }
    public string? LiftedBy { get; set; }

    public bool IsInForce(DateTimeOffset now) => LiftedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
