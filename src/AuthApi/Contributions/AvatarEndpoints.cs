using System.Security.Cryptography;
using System.Text;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// Leaderboard avatars drawn here (initials on a colour derived from the name), so the public pages load nothing from
/// another site and work under a strict Content-Security-Policy.
/// </summary>
public static class AvatarEndpoints
{
    public static string Url(string username) => $"/api/v1/avatars/{username}.svg";

    public static IEndpointRouteBuilder MapAvatars(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/avatars/{username}.svg", (string username, HttpContext http) =>
        {
            if (!HfNames.IsValid(username))
            {
                return (IResult)Problems.BadRequest($"'{username}' is not a Hugging Face username: it {HfNames.Rule}.");
            }
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return TypedResults.Text(Svg(username), "image/svg+xml", Encoding.UTF8);
        }).ForAnyone().WithTags("Leaderboard").WithName("GetAvatar").WithSummary("An initials avatar for a username (SVG).");
        return app;
    }

    private static string Svg(string username)
    {
        var hue = SHA256.HashData(Encoding.UTF8.GetBytes(username))[0] * 360 / 256;
        var initials = string.Concat(username.Split('-', '_', '.').Where(p => p.Length > 0).Take(2).Select(p => char.ToUpperInvariant(p[0])));
        return $"""<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="32" fill="hsl({hue},55%,45%)"/><text x="32" y="41" font-family="sans-serif" font-size="26" text-anchor="middle" fill="#fff">{initials}</text></svg>""";
    }
}
