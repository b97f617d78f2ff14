using FluentValidation;

namespace Moderation.AuthApi.Infrastructure;

public static class ValidationFilterExtensions
{
    /// <summary>Validates the request body with its FluentValidation validator (400, or 422 where a compatible API says so).</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder, int statusCode = StatusCodes.Status400BadRequest) =>
        builder.AddEndpointFilter(new ValidationFilter<T>(statusCode)).ProducesValidationProblem(statusCode);
}
