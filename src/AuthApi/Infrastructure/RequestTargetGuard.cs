using Microsoft.AspNetCore.Http.Features;

namespace Moderation.AuthApi.Infrastructure;

/// <summary>
/// The first look at every request, before routing and authentication: a raw path that <see cref="PathGuard"/> refuses or a
/// query string that <see cref="QueryStringGuard"/> refuses is answered 400 with ProblemDetails and goes no further.
/// </summary>
public static class RequestTargetGuard
{
    public static IApplicationBuilder UseRequestTargetGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var refusal = PathGuard.Problem(raw) is { } pathProblem ? ("Bad request path", pathProblem)
            : context.Request.QueryString.Value is { Length: > 1 } query && QueryStringGuard.Problem(query) is { } queryProblem
                ? ("Bad query string", queryProblem)
                : default((string Title, string Detail)?);
        if (refusal is not { } problem)
        {
            await next();
            return;
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = problem.Title, Detail = problem.Detail },
        });
    });
}
