using System.Text.RegularExpressions;
using FluentValidation;
using Moderation.Contracts.Validation;

namespace Moderation.Contracts.Checkpoints;

public sealed record CreateServiceKeyRequest(string? Name, IReadOnlyList<string>? Scopes);

/// <summary>
/// A service key as listed; <see cref="Secret"/> is present only in the answer that created it. <see cref="InitialPeers"/>
/// are the multiaddrs its auxiliary peer published last.
/// </summary>
public sealed record ServiceKeyResponse(
    Guid Id, string Name, IReadOnlyList<string> Scopes, string Prefix, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? Secret = null, IReadOnlyList<string>? InitialPeers = null,
    DateTimeOffset? InitialPeersPublishedAt = null);

public sealed record RegisterCheckpointRequest(
    long? Step, string? Repository, string? Revision, double? Loss, DateTimeOffset? CreatedAt, long? SizeBytes = null, string? Url = null);

public sealed record CheckpointResponse(
    long Id, long Step, string Repository, string Revision, double? Loss, DateTimeOffset CreatedAt, DateTimeOffset RegisteredAt,
    long? SizeBytes, string? Url, string Status, string? QuarantineReason, string? QuarantinedBy, DateTimeOffset? QuarantinedAt);

public sealed record QuarantineRequest(string? Reason);

public static partial class CheckpointRules
{
    // \z, not $ (which also matches before a final line feed).
    [GeneratedRegex(@"^[0-9a-f]{40}\z", RegexOptions.CultureInvariant)]
    public static partial Regex Revision();
}

public sealed class CreateServiceKeyRequestValidator : AbstractValidator<CreateServiceKeyRequest>
{
    public static readonly string[] Known = ["checkpoints:write", "contributions:write", "initial_peers:write"];

    public CreateServiceKeyRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
        RuleFor(r => r.Scopes).NotEmpty().WithMessage($"'scopes' must list at least one of: {string.Join(", ", Known)}.");
        RuleForEach(r => r.Scopes).Must(s => Known.Contains(s)).WithMessage((_, s) => $"Unknown scope '{s}': use {string.Join(", ", Known[..^1])} or {Known[^1]}.");
    }
}

public sealed class RegisterCheckpointRequestValidator : AbstractValidator<RegisterCheckpointRequest>
{
    public RegisterCheckpointRequestValidator(TimeProvider? clock = null)
    {
        var now = () => (clock ?? TimeProvider.System).GetUtcNow();
        RuleFor(r => r.Step).NotNull().GreaterThanOrEqualTo(0);
        RuleFor(r => r.Repository).NotEmpty().Must(HfNames.IsRepositoryId)
            .WithMessage("'repository' must be a Hub repository id, 'owner/name'.");
        RuleFor(r => r.Revision).NotEmpty().Must(r => r is not null && CheckpointRules.Revision().IsMatch(r))
            .WithMessage("'revision' must be a Hub commit id: 40 lowercase hex characters.");
        RuleFor(r => r.Loss).Loss();
        RuleFor(r => r.CreatedAt).NotNull().Must(c => c is null || c <= now().AddMinutes(5)).WithMessage("'created_at' is in the future.");
        RuleFor(r => r.SizeBytes).GreaterThanOrEqualTo(0);
        RuleFor(r => r.Url).MaximumLength(2048).Must(u => u is null || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            .WithMessage("'url' must be an absolute http(s) URL.");
    }
}

public sealed class QuarantineRequestValidator : AbstractValidator<QuarantineRequest>
{
    public QuarantineRequestValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(1000);
}
