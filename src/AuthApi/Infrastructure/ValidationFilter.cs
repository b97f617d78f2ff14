using FluentValidation;

namespace Moderation.AuthApi.Infrastructure;

/// <summary>
/// Runs the FluentValidation validator of the endpoint's <typeparamref name="T"/> argument before the handler: a
/// ValidationProblem with <paramref name="statusCode"/>, or on a reference endpoint FastAPI's 422 (<see cref="ReferenceProblems"/>).
/// </summary>
public sealed class ValidationFilter<T>(int statusCode, bool reference = false) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<T>>();
        foreach (var argument in context.Arguments.OfType<T>())
        {
            var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
            if (!result.IsValid && reference)
            {
                return ReferenceProblems.Unprocessable(context.HttpContext, result.Errors
                    .Select(e => new ReferenceFieldError(ReferenceProblems.InBody(e.PropertyName), e.ErrorMessage,
                        e.ErrorCode is "NotNullValidator" or "NotEmptyValidator" ? ReferenceProblems.Missing : ReferenceProblems.InvalidValue))
                    .ToArray());
            }
            if (!result.IsValid)
            {
                return Results.Problem(new HttpValidationProblemDetails(result.ToDictionary())
                {
                    Status = statusCode,
                    Title = "The request is not valid",
                    Detail = Describe(result.Errors),
                });
            }
        }
        return await next(context);
    }

    /// <summary>The errors in a sentence or two; errors inside a list name the item (<c>reports[3].samples: …</c>).</summary>
    private static string Describe(List<FluentValidation.Results.ValidationFailure> errors)
    {
        const int MaxShown = 10;
        var messages = errors.Select(e => e.PropertyName.Contains('[', StringComparison.Ordinal) ? $"{e.PropertyName}: {e.ErrorMessage}" : e.ErrorMessage)
            .Distinct().ToList();
        var shown = string.Join(" ", messages.Take(MaxShown));
        return messages.Count > MaxShown ? $"{shown} … and {messages.Count - MaxShown} more (see 'errors')." : shown;
    }
}
