using System.Net;
using FluentValidation;

namespace Moderation.Contracts.Validation;

public static class RuleExtensions
{
    public static IRuleBuilderOptions<T, string?> HfName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(HfNames.IsValid).WithMessage("'{PropertyName}' " + HfNames.Rule + ".");

    public static IRuleBuilderOptions<T, string?> IpAddress<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(value => value is null || (value.Length <= 45 && IPAddress.TryParse(value, out _)))
            .WithMessage("'{PropertyName}' must be an IPv4 or IPv6 address.");

    /// <summary>The highest training loss accepted: far above any real run's (a language model starts near ln(vocabulary) ≈ 11).</summary>
    public const double MaxLoss = 1e6;

    /// <summary>A training loss: required, a finite number from 0 to <see cref="MaxLoss"/>.</summary>
    public static IRuleBuilderOptions<T, double?> Loss<T>(this IRuleBuilder<T, double?> rule) =>
        rule.NotNull().InclusiveBetween(0, MaxLoss).WithMessage($"'loss' must be a number from 0 to {MaxLoss:0e0}.");

    public static IRuleBuilderOptions<T, int?> Port<T>(this IRuleBuilder<T, int?> rule) =>
        rule.InclusiveBetween(1, 65535).WithMessage("'{PropertyName}' must be a port number from 1 to 65535.");
}
