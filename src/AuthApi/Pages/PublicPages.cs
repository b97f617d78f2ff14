using Microsoft.Extensions.Options;
using Moderation.AuthApi.Authorization;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Pages;

/// <summary>
/// The public pages: the tabs page at <c>/</c> and each experiment's leaderboard at <c>/leaderboard/{org}/{model}</c>,
/// static files from <c>wwwroot</c> that read the public JSON API; and the Python package peers install. Everything they load comes from this server, under
/// a Content-Security-Policy that allows no inline script and no other origin.
/// </summary>
public static class PublicPages
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static IServiceCollection AddPublicPages(this IServiceCollection services)
    {
        services.AddOptions<PublicPagesOptions>().BindConfiguration(PublicPagesOptions.Section)
            .Validate(o => o.IsValid, "PublicPages:ModeratorUiUrl must be an absolute http(s) URL.").ValidateOnStart();
        return services;
    }

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
        // HEAD is answered like GET, without the body (link checkers and monitors ask for it).
        app.MapMethods("/leaderboard/{org}/{model}", [HttpMethods.Get, HttpMethods.Head], (IWebHostEnvironment env) =>
                env.WebRootFileProvider.GetFileInfo("leaderboard.html") is { Exists: true } page
                    ? Results.Stream(page.CreateReadStream(), "text/html; charset=utf-8")
                    : Results.Problem("The leaderboard page is missing from this build.", statusCode: StatusCodes.Status500InternalServerError))
            .ForAnyone().ExcludeFromDescription();

        // "Join this run": to the experiment's page in the moderator console, where a participant asks to join and finds
        // the quick start. The pages ask /join/config whether a console is configured before showing the buttons.
        app.MapGet("/join/config", (IOptions<PublicPagesOptions> options) =>
                TypedResults.Json(new { moderator_ui_url = string.IsNullOrEmpty(options.Value.ModeratorUiUrl) ? null : options.Value.ModeratorUiUrl.TrimEnd('/') }))
            .ForAnyone().ExcludeFromDescription();
        app.MapGet("/join/{org}/{model}", (string org, string model, IOptions<PublicPagesOptions> options) =>
                !HfNames.IsValid(org) || !HfNames.IsValid(model)
                    ? Results.Problem($"'{org}/{model}' is not an experiment name.", statusCode: StatusCodes.Status400BadRequest, title: "Bad request")
                    : options.Value.ModeratorUiUrl is not { Length: > 0 } ui
                        ? Results.Problem("This server has no moderator console configured (PublicPages:ModeratorUiUrl).",
                            statusCode: StatusCodes.Status404NotFound, title: "Not found")
                        : Results.Redirect($"{ui.TrimEnd('/')}/experiments/{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(model)}"))
            .ForAnyone().ExcludeFromDescription();

        // The training side's Python package as a source archive (built from src/moderation-hivemind with this server), so
        // the quick start's "pip install <server>/downloads/moderation-hivemind.zip" needs nothing else.
        app.MapMethods(PythonPackagePath, [HttpMethods.Get, HttpMethods.Head], () =>
                File.Exists(PythonPackageFile)
                    ? Results.File(PythonPackageFile, "application/zip", "moderation-hivemind.zip")
                    : Results.Problem("This build has no Python package (src/moderation-hivemind).", statusCode: StatusCodes.Status404NotFound, title: "Not found"))
            .ForAnyone().ExcludeFromDescription();
        return app;
    }

    public const string PythonPackagePath = "/downloads/moderation-hivemind.zip";

    private static readonly string PythonPackageFile = Path.Combine(AppContext.BaseDirectory, "downloads", "moderation-hivemind.zip");
}
