using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Moderation.ServiceDefaults;

public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// OpenTelemetry: HTTP server and client, runtime, Npgsql, Polly and the service's own meters (<c>Moderation.*</c>)
    /// for Prometheus; traces of ASP.NET Core, HttpClient and Npgsql over OTLP; in Production, JSON console logs with trace ids.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section)
            .Validate(o => o.OtlpEndpoint is null or "" || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out _), "Telemetry:OtlpEndpoint must be an absolute URL.")
            .Validate(o => o.MetricsPort is >= 0 and <= 65535, "Telemetry:MetricsPort must be a port number (0: the app's port).")
            .Validate(o => o.MetricsAllowedNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "Telemetry:MetricsAllowedNetworks must be networks in CIDR notation.")
            .ValidateOnStart();
        var settings = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (builder.Environment.IsProduction())
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("Moderation.*", "Polly")
                .AddView(CardinalityLimit)
                .AddPrometheusExporter());
        if (!string.IsNullOrEmpty(settings.OtlpEndpoint))
        {
            otel.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsPlumbing(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(o => o.Endpoint = new Uri(settings.OtlpEndpoint)));
        }
        return builder;
    }

    /// <summary>
    /// <c>/metrics</c>: open in Development and the tests; elsewhere only on <see cref="TelemetryOptions.MetricsPort"/> or to
    /// <see cref="TelemetryOptions.MetricsAllowedNetworks"/>, and not at all when neither is set.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        var endpoint = app.MapPrometheusScrapingEndpoint(MetricsPath);
        if (settings.MetricsPort > 0)
        {
            // The port the connection came in on, not the Host header (which any client can set to name this port).
            return app.OnlyFor(endpoint, context => context.Connection.LocalPort == settings.MetricsPort);
        }
        if (app.Environment.IsLocal())
        {
            return endpoint;
        }
        var networks = settings.MetricsAllowedNetworks.Select(n => System.Net.IPNetwork.Parse(n)).ToList();
        if (networks.Count == 0)
        {
            app.Logger.LogWarning("/metrics is not served: set Telemetry:MetricsPort or Telemetry:MetricsAllowedNetworks.");
        }
        return app.OnlyFor(endpoint, context => context.Connection.RemoteIpAddress is { } address
            && networks.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)));
    }

    /// <summary>
    /// Answers 404 to <c>/metrics</c> requests that <paramref name="allowed"/> refuses. The scraping endpoint is a plain
    /// request delegate (no endpoint filters), so the check is a middleware before it.
    /// </summary>
    private static IEndpointConventionBuilder OnlyFor(this WebApplication app, IEndpointConventionBuilder endpoint, Func<HttpContext, bool> allowed)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(MetricsPath) && !allowed(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(context);
        });
        return endpoint;
    }

    /// <summary>Series kept per metric beyond which new tag combinations go to one overflow series.</summary>
    public const int SmallCardinalityLimit = 100;

    /// <summary>
    /// OpenTelemetry allocates every metric's storage for its cardinality limit up front (2,000 series by default: ~180 KB
    /// per metric, ~13 MB for the ~70 metrics here, a tenth of a serving replica's heap). Metrics whose tags are a few
    /// fixed values (runtime, connections, pools, Polly, this service's own counters) keep <see cref="SmallCardinalityLimit"/>;
    /// those tagged by route, and the revocation-list version (by experiment), keep the default.
    /// </summary>
    private static MetricStreamConfiguration? CardinalityLimit(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.Name.StartsWith("http.server.", StringComparison.Ordinal) || instrument.Name.StartsWith("aspnetcore.routing.", StringComparison.Ordinal)
        || instrument.Name == "moderation.revocation_list.version"
            ? null
            : new MetricStreamConfiguration { CardinalityLimit = SmallCardinalityLimit };

    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
