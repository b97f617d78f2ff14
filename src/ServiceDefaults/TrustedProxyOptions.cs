namespace Moderation.ServiceDefaults;

/// <summary>
/// The load balancers or ingress controllers in front of the app. Only their <c>X-Forwarded-For</c>,
/// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> are believed; with none configured, forwarded headers are ignored.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ReverseProxy";

    /// <summary>Addresses of the proxies, e.g. <c>10.0.0.5</c>.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation, e.g. <c>10.42.0.0/16</c>.</summary>
    public string[] TrustedNetworks { get; set; } = [];

    public bool Configured => TrustedProxies.Length > 0 || TrustedNetworks.Length > 0;
}
