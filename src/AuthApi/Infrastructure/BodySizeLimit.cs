namespace Moderation.AuthApi.Infrastructure;

/// <summary>
/// Refuses request bodies over <see cref="MaxBytes"/> with a 413 ProblemDetails before anything reads them. Kestrel
/// enforces the same limit on bodies without a Content-Length.
/// </summary>
public static class BodySizeLimit
{
    public const long MaxBytes = 1024 * 1024;

    public static WebApplicationBuilder LimitRequestBodies(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBytes);
        return builder;
    }

    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.ContentLength > MaxBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = $"Request bodies are limited to {MaxBytes / 1024} KiB.",
                },
            });
            return;
        }
        await next();
    });
}
