using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Data;

/// <summary>
/// An explicit role in one experiment: a moderator, or an owner granted by another owner. Admins of the experiment's HF
/// organization and global admins are owners without a row; a grant is revocable and carries no other power.
/// </summary>
public sealed class ExperimentMember
{
    public int ExperimentId { get; set; }
    public required string UserId { get; set; }
    public HfUser? User { get; set; }
    public ExperimentRole Role { get; set; }
    public required string GrantedBy { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
}
