namespace Moderation.AuthApi.Data;

/// <summary>
/// A request to join an experiment, recorded when a join is refused or when a participant asks, with the HF profile
/// facts moderators screen on. At most one pending request per user and experiment.
/// </summary>
public sealed class JoinRequest
{
    public long Id { get; set; }
    public int ExperimentId { get; set; }
    public required string UserId { get; set; }
    public HfUser? User { get; set; }
    public string? Fullname { get; set; }
    public string? AvatarUrl { get; set; }
    public bool EmailVerified { get; set; }
    public bool IsPro { get; set; }
    /// <summary>The user's HF organizations, as "name:role" separated by commas.</summary>
    public string? Orgs { get; set; }
    public string? Message { get; set; }
    public JoinRequestStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecisionReason { get; set; }
}
