namespace Moderation.ServiceDefaults;

/// <summary>Where metrics and traces go. Metrics: Prometheus at <c>/metrics</c>; traces: OTLP, when an endpoint is set.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>An OTLP/gRPC collector (e.g. <c>http://otel-collector:4317</c>); traces are exported only when set.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Serve <c>/metrics</c> only on this port (listen on it too: <c>ASPNETCORE_URLS=http://+:8080;http://+:9090</c>), so it
    /// need not be exposed where the app is. 0: on the app's port.
    /// </summary>
    public int MetricsPort { get; set; }

    /// <summary>Networks (CIDR) allowed to read <c>/metrics</c> outside Development, e.g. the Prometheus pods' network.</summary>
    public string[] MetricsAllowedNetworks { get; set; } = [];
}
