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

    public static IRuleBuilderOptions<T, int?> Port<T>(this IRuleBuilder<T, int?> rule) =>
        rule.InclusiveBetween(1, 65535).WithMessage("'{PropertyName}' must be a port number from 1 to 65535.");
}
