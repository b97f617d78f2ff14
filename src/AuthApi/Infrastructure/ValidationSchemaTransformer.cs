using System.Globalization;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Moderation.AuthApi.Infrastructure;

/// <summary>
/// Puts the bounds the request validators enforce into the OpenAPI document (minimum, maximum, minLength, maxLength of
/// each property, from unconditional InclusiveBetween, ≥, ≤ and length rules), so the document says what is refused.
/// <c>OpenApiTruthTests</c> checks every bound it states.
/// </summary>
public sealed class ValidationSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is not { } property)
        {
            return Task.CompletedTask;
        }
        using var scope = context.ApplicationServices.CreateScope();
        if (scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(property.DeclaringType)) is not IValidator validator)
        {
            return Task.CompletedTask;
        }
        // Rules are named as the JSON names fields (ValidatorOptions.Global.PropertyNameResolver, Program.cs).
        var components = validator.CreateDescriptor().GetRulesForMember(property.Name)
            .SelectMany(r => r.Components).Where(c => !c.HasCondition && !c.HasAsyncCondition);
        foreach (var component in components)
        {
            switch (component.Validator)
            {
                case IBetweenValidator between when component.Validator.Name == "InclusiveBetweenValidator":
                    (schema.Minimum, schema.Maximum) = (Number(between.From), Number(between.To));
                    break;
                case IComparisonValidator { Comparison: Comparison.GreaterThanOrEqual, ValueToCompare: { } minimum }:
                    schema.Minimum = Number(minimum);
                    break;
                case IComparisonValidator { Comparison: Comparison.LessThanOrEqual, ValueToCompare: { } maximum }:
                    schema.Maximum = Number(maximum);
                    break;
                case ILengthValidator length:
                    schema.MinLength = length.Min > 0 ? length.Min : schema.MinLength;
                    schema.MaxLength = length.Max > 0 ? length.Max : schema.MaxLength;
                    break;
            }
        }
        return Task.CompletedTask;
    }

    private static string? Number(object? value) => value is IConvertible number ? number.ToString(CultureInfo.InvariantCulture) : null;
}
