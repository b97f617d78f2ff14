using Moderation.AuthApi.Authorization;

namespace Moderation.AuthApi.Pages;

/// <summary>
/// The public pages: the tabs page at <c>/</c> and each experiment's leaderboard at <c>/leaderboard/{org}/{model}</c>,
/// static files from <c>wwwroot</c> that read the public JSON API. Everything they load comes from this server, under
/// a Content-Security-Policy that allows no inline script and no other origin.
/// </summary>
public static class PublicPages
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static WebApplication UsePublicPages(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            // The API reference (Scalar) runs inline scripts of its own; every other response gets the strict policy.
            if (!context.Request.Path.StartsWithSegments("/docs"))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers["Referrer-Policy"] = "no-referrer";
            }
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }

    public static IEndpointRouteBuilder MapPublicPages(this IEndpointRouteBuilder app)
    {
        // Through the web root's file provider, which also finds the file when it is served from the project (Development).
        app.MapGet("/leaderboard/{org}/{model}", (IWebHostEnvironment env) =>
                env.WebRootFileProvider.GetFileInfo("leaderboard.html") is { Exists: true } page
                    ? Results.Stream(page.CreateReadStream(), "text/html; charset=utf-8")
                    : Results.Problem("The leaderboard page is missing from this build.", statusCode: StatusCodes.Status500InternalServerError))
            .ForAnyone().ExcludeFromDescription();
        return app;
    }
}
