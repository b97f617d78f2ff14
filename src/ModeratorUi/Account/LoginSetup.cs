using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Moderation.ServiceDefaults;

namespace Moderation.ModeratorUi.Account;

public static class LoginSetup
{
    /// <summary>Sign in with Hugging Face: OIDC authorization-code flow with PKCE, then a cookie session.</summary>
    public static IServiceCollection AddHuggingFaceLogin(this IServiceCollection services)
    {
        services.AddOptions<HfLoginOptions>().BindConfiguration(HfLoginOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = "moderation.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = false;
                // A signed-in person refused by a policy (the jobs dashboard) gets a page that says why, not a bare 403.
                o.AccessDeniedPath = "/account/denied";
            })
            .AddOpenIdConnect(o =>
            {
                o.ResponseType = "code";
                o.ResponseMode = "query";
                o.UsePkce = true;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email", "read-memberships" })
                {
                    o.Scope.Add(scope);
                }
                o.SaveTokens = true;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.NameClaimType = "preferred_username";
                o.ClaimActions.MapUniqueJsonKey("picture", "picture");
                // The query response mode is a top-level GET redirect, which Lax cookies survive, also over plain http.
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
            });
        // The cookie holds only a session id; the session itself is in the database, so signing out ends it everywhere.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SessionStore>();
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<SessionStore>((o, store) => o.SessionStore = store);
        // Read from options when first needed, so hosts and tests can supply the settings late.
        services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme)
            .Configure<IOptions<HfLoginOptions>>((o, hf) =>
            {
                o.Authority = hf.Value.BaseUrl.TrimEnd('/');
                o.ClientId = hf.Value.ClientId;
                o.ClientSecret = hf.Value.ClientSecret;
                o.RequireHttpsMetadata = hf.Value.RequireHttpsMetadata;
            });
        // Outside Development the site is https only: every cookie Secure, the session cookie __Host- prefixed (no
        // Domain, Path=/), so no other host or plain-http page can set or read it.
        services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme).Configure<IHostEnvironment>((o, env) =>
        {
            if (!env.IsLocal())
            {
                o.Cookie.Name = "__Host-moderation.session";
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            }
        });
        services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme).Configure<IHostEnvironment>((o, env) =>
        {
            if (!env.IsLocal())
            {
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.Always;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.Always;
            }
        });
        services.AddOptions<AntiforgeryOptions>().Configure<IHostEnvironment>((o, env) =>
        {
            o.Cookie.SameSite = SameSiteMode.Strict;
            if (!env.IsLocal())
            {
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            }
        });
        services.AddAuthorization();
        return services;
    }

    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/signin", (string? returnUrl) => Results.Challenge(
            new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) },
            [OpenIdConnectDefaults.AuthenticationScheme]));
        return app;
    }

    /// <summary>Only a path on this site (<see cref="ConsoleLinks.Local"/>); anything else returns home.</summary>
    public static string SafeReturnUrl(string? returnUrl) => ConsoleLinks.Local(returnUrl) ?? "/";
}
