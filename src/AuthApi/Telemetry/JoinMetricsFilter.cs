using Microsoft.AspNetCore.Http.HttpResults;

namespace Moderation.AuthApi.Telemetry;

/// <summary>
/// Counts joins by outcome from what the join handler answers (<c>moderation_joins_total{api, outcome}</c>), so the
/// handlers need no metrics code. Put it before validation on the route, so refused bodies count as <c>invalid</c>.
/// </summary>
public sealed class JoinMetricsFilter(string api) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var metrics = context.HttpContext.RequestServices.GetRequiredService<ModerationMetrics>();
        try
        {
            var result = await next(context);
            metrics.Join(api, Outcome(result is INestedHttpResult nested ? nested.Result : result));
            return result;
        }
        catch
        {
            metrics.Join(api, "error");
            throw;
        }
    }

    private static string Outcome(object? result) => result switch
    {
        IStatusCodeHttpResult { StatusCode: 200 } => "issued",
        ProblemHttpResult { StatusCode: 403 } p when p.ProblemDetails.Extensions.TryGetValue("banned", out var banned) && banned is true => "banned",
        ProblemHttpResult { StatusCode: 403 } => "not_admitted",
        IStatusCodeHttpResult { StatusCode: 404 } => "unknown_experiment",
        IStatusCodeHttpResult { StatusCode: 400 or 422 } => "invalid",
        IStatusCodeHttpResult { StatusCode: 401 } => "refused",
        _ => "error",
    };
}
