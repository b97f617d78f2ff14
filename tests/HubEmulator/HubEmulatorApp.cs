using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.HubEmulator;

/// <summary>
/// Stands in for huggingface.co at the HTTP boundary: an OIDC provider shaped like HF's, <c>/api/whoami-v2</c>, and a
/// switch (<c>POST /_emulator/mode</c>) that makes it answer 503 or hang. Used in-process by the tests and standalone
/// by the local run.
/// </summary>
public static class HubEmulatorApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(HubEmulatorApp).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);

        var usersFile = builder.Configuration["Emulator:UsersFile"] ?? Path.Combine(AppContext.BaseDirectory, "users.json");
        builder.Services.AddSingleton(new HubState(HubUser.Load(usersFile)));
        builder.Services.AddSingleton(new SigningKey());
        builder.Services.AddSingleton(builder.Configuration.GetSection("Emulator:Clients").Get<List<OAuthClient>>() is { Count: > 0 } clients
            ? clients
            // This service's console, and a third-party "Sign in with HF" site whose tokens must carry no power here.
            : [new OAuthClient("moderation-ui", "moderation-ui-dev-secret"), new OAuthClient("other-app", "other-app-secret")]);

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var state = context.RequestServices.GetRequiredService<HubState>();
            var control = context.Request.Path.StartsWithSegments("/_emulator");
            using var call = control ? null : state.CountApiCall();
            var mode = state.Mode;
            if (control || mode == HubMode.Normal)
            {
                await next();
            }
            else if (mode == HubMode.Unavailable)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("Service Unavailable");
            }
            else
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        app.MapOidc();
        app.MapHubApi();
        app.MapEmulatorControl();
        return app;
    }
}

public sealed record OAuthClient(string ClientId, string ClientSecret);

/// <summary>The RSA key that signs id_tokens, published at <c>/oauth/jwks</c>.</summary>
public sealed class SigningKey : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public SigningKey() => Key = new RsaSecurityKey(_rsa) { KeyId = "hub-emulator-" + Guid.NewGuid().ToString("N")[..8] };

    public RsaSecurityKey Key { get; }

    public object Jwk()
    {
        var p = _rsa.ExportParameters(false);
        return new
        {
            kty = "RSA", use = "sig", alg = "RS256", kid = Key.KeyId,
            n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent),
        };
    }

    public void Dispose() => _rsa.Dispose();
}
