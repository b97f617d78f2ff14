using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.HubEmulator;

/// <summary>An OIDC provider shaped like huggingface.co's: discovery, authorize (pick a user), token (PKCE + client secret), userinfo, jwks.</summary>
public static class Oidc
{
    public static void MapOidc(this WebApplication app)
    {
        app.MapGet("/.well-known/openid-configuration", (HttpContext context) =>
        {
            var origin = HubApi.Origin(context);
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = origin,
                ["authorization_endpoint"] = $"{origin}/oauth/authorize",
                ["token_endpoint"] = $"{origin}/oauth/token",
                ["userinfo_endpoint"] = $"{origin}/oauth/userinfo",
                ["jwks_uri"] = $"{origin}/oauth/jwks",
                ["response_types_supported"] = new[] { "code" },
                ["response_modes_supported"] = new[] { "query", "form_post" },
                ["grant_types_supported"] = new[] { "authorization_code" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                ["scopes_supported"] = new[] { "openid", "profile", "email", "read-memberships" },
                ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
                ["code_challenge_methods_supported"] = new[] { "S256" },
                ["claims_supported"] = new[] { "sub", "name", "preferred_username", "picture", "email", "email_verified", "isPro", "orgs" },
            });
        });
        app.MapGet("/oauth/jwks", (SigningKey key) => Results.Json(new { keys = new[] { key.Jwk() } }));
        app.MapGet("/oauth/authorize", Authorize);
        app.MapPost("/oauth/authorize", Approve).DisableAntiforgery();
        app.MapPost("/oauth/token", Token).DisableAntiforgery();
        app.MapGet("/oauth/userinfo", UserInfo);
    }

    private static IResult Authorize(HttpContext context, HubState state, List<OAuthClient> clients)
    {
        var q = context.Request.Query;
        if (Validate(q["client_id"], q["redirect_uri"], q["response_type"], q["code_challenge"], q["code_challenge_method"], clients) is { } error)
        {
            return Results.Problem(error, statusCode: 400);
        }
        var hidden = string.Concat(q.Select(p => $"<input type='hidden' name='{Enc(p.Key)}' value='{Enc(p.Value.ToString())}'>"));
        var buttons = string.Concat(state.Users.Select(u =>
            $"<li><button type='submit' name='username' value='{Enc(u.Name)}'>{Enc(u.Name)}</button> {Enc(u.Fullname ?? "")}</li>"));
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><title>Sign in - Hub emulator</title></head>
            <body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
            <h1>Hub emulator</h1><p>Stand-in for huggingface.co. Sign in to <b>{Enc(q["client_id"].ToString())}</b> as:</p>
            <form method="post" action="/oauth/authorize">{hidden}<ul>{buttons}</ul></form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static async Task<IResult> Approve(HttpContext context, HubState state, List<OAuthClient> clients)
    {
        var f = await context.Request.ReadFormAsync();
        if (Validate(f["client_id"], f["redirect_uri"], f["response_type"], f["code_challenge"], f["code_challenge_method"], clients) is { } error)
        {
            return Results.Problem(error, statusCode: 400);
        }
        if (state.FindUser(f["username"].ToString()) is not { } user)
        {
            return Results.Problem("Pick one of the listed users.", statusCode: 400);
        }
        var code = RandomToken("code_");
        var scope = f["scope"].ToString();
        state.Codes[code] = new PendingCode(f["client_id"]!, f["redirect_uri"]!, f["code_challenge"]!, scope,
            f["nonce"].ToString() is { Length: > 0 } nonce ? nonce : null, user, DateTimeOffset.UtcNow.AddMinutes(5));

        var redirect = f["redirect_uri"].ToString();
        var stateParam = f["state"].ToString();
        if (f["response_mode"] == "form_post")
        {
            var html = $"""
                <!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="{Enc(redirect)}">
                <input type="hidden" name="code" value="{Enc(code)}"><input type="hidden" name="state" value="{Enc(stateParam)}">
                <noscript><button type="submit">Continue</button></noscript></form></body></html>
                """;
            return Results.Content(html, "text/html; charset=utf-8");
        }
        var separator = redirect.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Results.Redirect($"{redirect}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(stateParam)}");
    }

    private static async Task<IResult> Token(HttpContext context, HubState state, List<OAuthClient> clients, SigningKey key)
    {
        var f = await context.Request.ReadFormAsync();
        var (clientId, secret) = ClientCredentials(context, f);
        if (clients.FirstOrDefault(c => c.ClientId == clientId) is not { } client || client.ClientSecret != secret)
        {
            return OAuthError("invalid_client", "Unknown client or wrong client secret.", 401);
        }
        if (f["grant_type"] != "authorization_code")
        {
            return OAuthError("unsupported_grant_type", "Only authorization_code is supported.");
        }
        if (!state.Codes.TryRemove(f["code"].ToString(), out var pending) || pending.ExpiresAt < DateTimeOffset.UtcNow
            || pending.ClientId != clientId || pending.RedirectUri != f["redirect_uri"])
        {
            return OAuthError("invalid_grant", "The code is unknown, used, expired, or was issued for another client or redirect URI.");
        }
        var verifier = f["code_verifier"].ToString();
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        if (verifier.Length < 43 || challenge != pending.CodeChallenge)
        {
            return OAuthError("invalid_grant", "PKCE verification failed.");
        }

        var issued = OAuthTokens.Issue(state, key, HubApi.Origin(context), clientId!, pending.User, pending.Scope, pending.Nonce);
        return Results.Json(new
        {
            access_token = issued.AccessToken, token_type = "bearer", expires_in = issued.ExpiresIn, scope = pending.Scope, id_token = issued.IdToken,
        });
    }

    private static IResult UserInfo(HttpContext context, HubState state)
    {
        var token = HubApi.BearerToken(context);
        if (OAuthTokens.Find(state, token) is not { } grant)
        {
            return Results.Json(new { error = "invalid_token" }, statusCode: 401);
        }
        return Results.Json(UserClaims(grant.User, grant.Scope, HubApi.Origin(context)));
    }

    /// <summary>HF's userinfo claims; <c>orgs</c> only with the <c>read-memberships</c> scope, email only with <c>email</c>.</summary>
    internal static Dictionary<string, object> UserClaims(HubUser user, string scope, string origin)
    {
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = user.Id,
            ["name"] = user.Fullname ?? user.Name,
            ["preferred_username"] = user.Name,
            ["picture"] = $"{origin}/avatars/{user.Name}.svg",
            ["profile"] = $"{origin}/{user.Name}",
            ["isPro"] = user.IsPro,
        };
        if (scopes.Contains("email") && user.Email is not null)
        {
            claims["email"] = user.Email;
            claims["email_verified"] = user.EmailVerified;
        }
        if (scopes.Contains("read-memberships"))
        {
            claims["orgs"] = user.Orgs.Select(o => new Dictionary<string, object?>
            {
                ["sub"] = o.Id, ["name"] = o.Fullname ?? o.Name, ["preferred_username"] = o.Name,
                ["picture"] = $"{origin}/avatars/{o.Name}.svg", ["roleInOrg"] = o.RoleInOrg,
            }).ToList();
        }
        return claims;
    }

    private static string? Validate(string? clientId, string? redirectUri, string? responseType, string? challenge, string? method,
        List<OAuthClient> clients)
    {
        if (clients.All(c => c.ClientId != clientId))
        {
            return "Unknown client_id.";
        }
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) || !(uri.IsLoopback || uri.Scheme == Uri.UriSchemeHttps))
        {
            return "redirect_uri must be an absolute https URL or a loopback URL.";
        }
        if (responseType != "code")
        {
            return "response_type must be 'code'.";
        }
        return string.IsNullOrEmpty(challenge) || method != "S256" ? "PKCE is required: send code_challenge with code_challenge_method=S256." : null;
    }

    private static (string? Id, string? Secret) ClientCredentials(HttpContext context, IFormCollection form)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())).Split(':', 2);
            return (WebUtility.UrlDecode(decoded[0]), decoded.Length > 1 ? WebUtility.UrlDecode(decoded[1]) : null);
        }
        return (form["client_id"], form["client_secret"]);
    }

    private static IResult OAuthError(string error, string description, int status = 400) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    internal static string RandomToken(string prefix) => prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));

    private static string Enc(string? value) => WebUtility.HtmlEncode(value ?? "");
}
