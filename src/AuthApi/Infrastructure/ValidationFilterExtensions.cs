using FluentValidation;

namespace Moderation.AuthApi.Infrastructure;

public static class ValidationFilterExtensions
{
    /// <summary>Validates the request body with its FluentValidation validator (400, or 422 where a compatible API says so).</summary>
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder, int statusCode = StatusCodes.Status400BadRequest) =>
        builder.AddEndpointFilter(new ValidationFilter<T>(statusCode)).ProducesValidationProblem(statusCode);

    /// <summary>Validates a reference endpoint's body: 422 in FastAPI's shape (<c>detail</c> a list of <c>{loc, msg, type}</c>).</summary>
    public static RouteHandlerBuilder ValidateReference<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(new ValidationFilter<T>(StatusCodes.Status422UnprocessableEntity, reference: true))
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
