using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Moderation.ServiceDefaults;

/// <summary>What both web apps set up the same way. Call <see cref="AddServiceDefaults"/> on the builder and <see cref="UseServiceDefaults"/> first on the app.</summary>
public static class ServiceDefaultsExtensions
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddTrustedProxies();
        builder.Services.AddDatabaseSettings();
        builder.AddTelemetry();
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        return builder;
    }

    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseTrustedProxies();
        if (!app.Environment.IsLocal())
        {
            // Sent on https requests only (as the proxy reports them): browsers then never use plain http for this host.
            app.UseHsts();
        }
        return app;
    }

    /// <param name="conventions">What the app adds to these endpoints (its access rule, its rate-limit policy).</param>
    public static WebApplication MapServiceDefaults(this WebApplication app, Action<IEndpointConventionBuilder>? conventions = null)
    {
        foreach (var endpoint in app.MapHealthEndpoints().Append(app.MapMetrics()))
        {
            conventions?.Invoke(endpoint);
        }
        return app;
    }
}
