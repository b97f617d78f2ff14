using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Data;

/// <summary>A granted role in one experiment: the creator as owner, or a moderator granted by an owner.</summary>
public sealed class ExperimentMember
{
    public int ExperimentId { get; set; }
    public required string Username { get; set; }
    public ExperimentRole Role { get; set; }
    public required string GrantedBy { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
}
