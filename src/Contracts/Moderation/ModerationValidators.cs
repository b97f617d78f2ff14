using FluentValidation;
using Moderation.Contracts.Validation;

namespace Moderation.Contracts.Moderation;

public sealed class CreateBanRequestValidator : AbstractValidator<CreateBanRequest>
{
    public CreateBanRequestValidator(TimeProvider? clock = null)
    {
        var now = () => (clock ?? TimeProvider.System).GetUtcNow();
        RuleFor(r => r.Username).NotEmpty().HfName();
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(ModerationLimits.MaxReasonLength);
        RuleFor(r => r.Evidence).MaximumLength(ModerationLimits.MaxEvidenceLength);
        RuleFor(r => r.ExpiresAt).Must(e => e is null || e > now()).WithMessage("'expires_at' must be in the future (or absent for a ban without end).");
    }
}

public sealed class AllowlistAddRequestValidator : AbstractValidator<AllowlistAddRequest>
{
    public AllowlistAddRequestValidator() => RuleFor(r => r.Reason).MaximumLength(ModerationLimits.MaxReasonLength);
}

public sealed class AllowlistImportRequestValidator : AbstractValidator<AllowlistImportRequest>
{
    public AllowlistImportRequestValidator()
    {
        RuleFor(r => r.Usernames).NotEmpty().WithMessage("'usernames' must list at least one username, one per line.");
        RuleFor(r => r.Usernames).Must(u => u is null || u.Split('\n').Length <= ModerationLimits.MaxImportLines)
            .WithMessage($"'usernames' may have at most {ModerationLimits.MaxImportLines} lines per import.");
        RuleFor(r => r.Reason).MaximumLength(ModerationLimits.MaxReasonLength);
    }
}

public sealed class CreateJoinRequestRequestValidator : AbstractValidator<CreateJoinRequestRequest>
{
    public CreateJoinRequestRequestValidator() => RuleFor(r => r.Message).MaximumLength(ModerationLimits.MaxMessageLength);
}

public sealed class DecideJoinRequestRequestValidator : AbstractValidator<DecideJoinRequestRequest>
{
    public DecideJoinRequestRequestValidator() => RuleFor(r => r.Reason).MaximumLength(ModerationLimits.MaxReasonLength);
}

public sealed class RevokePeerRequestValidator : AbstractValidator<RevokePeerRequest>
{
    public RevokePeerRequestValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(ModerationLimits.MaxReasonLength);
}
