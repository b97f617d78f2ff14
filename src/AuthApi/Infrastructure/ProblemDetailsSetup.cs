
namespace Moderation.AuthApi.Infrastructure;

public static class ProblemDetailsSetup
{
    /// <summary>ProblemDetails for every error: thrown, returned, or a bare status code from routing or auth.</summary>
    public static IServiceCollection AddModerationProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["trace_id"] = context.HttpContext.TraceIdentifier;
            if (context.ProblemDetails.Status == StatusCodes.Status404NotFound && context.ProblemDetails.Detail is null)
            {
                context.ProblemDetails.Detail = "No such resource.";
            }
            if (context.ProblemDetails.Status == StatusCodes.Status405MethodNotAllowed && context.ProblemDetails.Detail is null)
            {
                context.ProblemDetails.Detail = "This resource does not support that method.";
            }
        });
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}
