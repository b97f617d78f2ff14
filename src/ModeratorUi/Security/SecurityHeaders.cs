namespace Moderation.ModeratorUi.Security;

/// <summary>
/// The same strict headers as AuthApi's public pages: no inline script or style, nothing from other origins except
/// Hugging Face avatars, never framed (one-click actions cannot be clickjacked), no MIME sniffing, no referrer sent
/// to other origins.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>The policy; <paramref name="avatarOrigins"/> are the origins avatars are shown from (the Hub's).</summary>
    public static string ContentSecurityPolicy(IEnumerable<string> avatarOrigins) =>
        "default-src 'self'; script-src 'self'; style-src 'self'; " +
        $"img-src 'self' {string.Join(' ', avatarOrigins)}; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var hub = new Uri(app.Configuration["HuggingFace:BaseUrl"] ?? "https://huggingface.co");
        // huggingface.co serves avatars from its CDN hosts; the emulator from its own origin.
        var policy = ContentSecurityPolicy([hub.GetLeftPart(UriPartial.Authority), "https://*.huggingface.co"]);
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return next(context);
        });
        return app;
    }
}
