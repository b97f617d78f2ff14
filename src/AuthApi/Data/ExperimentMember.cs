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
    /// <summary>How the audit log named the owner who granted it.</summary>
    public required string GrantedBy { get; set; }

    /// <summary>The HF user id of the owner who granted it (null for grants older than this column that could not be matched).</summary>
    public string? GrantedById { get; set; }

    public DateTimeOffset GrantedAt { get; set; }

    /// <summary>
    /// A grant its holder gave themselves: it carries no power. An owner's own rights (org admin, global admin) already
    /// cover what it would give; its only effect would be to outlive them — a former org admin keeping the experiment.
    /// </summary>
    public bool SelfGranted => GrantedById is not null && GrantedById == UserId;
}
