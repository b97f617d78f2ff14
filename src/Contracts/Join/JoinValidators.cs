using FluentValidation;
using Moderation.Contracts.Tokens;

namespace Moderation.Contracts.Join;

public sealed class JoinInputValidator : AbstractValidator<JoinInput>
{
    public JoinInputValidator() => RuleFor(r => r.PeerPublicKey).PeerPublicKey();
}

public sealed class ReferenceJoinRequestValidator : AbstractValidator<ReferenceJoinRequest>
{
    public ReferenceJoinRequestValidator()
    {
        RuleFor(r => r.ExperimentJoinInput).NotNull().WithName("experiment_join_input");
        RuleFor(r => r.ExperimentJoinInput!.PeerPublicKey).PeerPublicKey()
            .OverridePropertyName("experiment_join_input.peer_public_key")
            .When(r => r.ExperimentJoinInput is not null);
    }
}

public sealed class IntrospectionRequestValidator : AbstractValidator<IntrospectionRequest>
{
    public IntrospectionRequestValidator()
    {
        RuleFor(r => r).Must(r => (r.Token is null) != (r.HivemindAccess is null))
            .WithName("token").WithMessage("Send exactly one of 'token' (a peer JWT) or 'hivemind_access'.");
        RuleFor(r => r.Token).MaximumLength(8192);
        When(r => r.HivemindAccess is not null, () =>
        {
            RuleFor(r => r.OrganizationName).NotEmpty().WithMessage("'organization_name' is required with 'hivemind_access'.");
            RuleFor(r => r.ModelName).NotEmpty().WithMessage("'model_name' is required with 'hivemind_access'.");
            RuleFor(r => r.HivemindAccess!.Username).NotEmpty().OverridePropertyName("hivemind_access.username");
            RuleFor(r => r.HivemindAccess!.PeerPublicKey).NotEmpty().OverridePropertyName("hivemind_access.peer_public_key");
            RuleFor(r => r.HivemindAccess!.ExpirationTime).NotEmpty().OverridePropertyName("hivemind_access.expiration_time");
            RuleFor(r => r.HivemindAccess!.Signature).NotEmpty().MaximumLength(4096).OverridePropertyName("hivemind_access.signature");
        });
    }
}

internal static class PeerKeyRules
{
    /// <summary>The strict OpenSSH RSA rules of <see cref="OpenSshRsaKey"/>, with its reason as the message.</summary>
    public static IRuleBuilderOptions<T, string?> PeerPublicKey<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(key => OpenSshRsaKey.TryParse(key, out OpenSshRsaKey? _, out string? _))
            .WithMessage((_, key) => OpenSshRsaKey.TryParse(key, out OpenSshRsaKey? _, out var error) ? "" : error!);
}
