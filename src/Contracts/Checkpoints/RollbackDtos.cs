using FluentValidation;

namespace Moderation.Contracts.Checkpoints;

public sealed record CreateRollbackRequest(long? CheckpointId, string? Reason);

public sealed record RollbackResponse(
    long Id, long CheckpointId, long Step, string Revision, string Status, int Attempts, string? LastError, string Reason, string RequestedBy,
    DateTimeOffset RequestedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int SupersededCheckpoints, int ContributionsMarked);

/// <summary>What a rollback to a checkpoint would change, before it is confirmed.</summary>
public sealed record RollbackPreview(CheckpointResponse Target, IReadOnlyList<CheckpointResponse> Superseded, int ContributionsMarked);

public sealed class CreateRollbackRequestValidator : AbstractValidator<CreateRollbackRequest>
{
    public CreateRollbackRequestValidator()
    {
        RuleFor(r => r.CheckpointId).NotNull().GreaterThan(0);
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(1000);
    }
}
