using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Moderation.ServiceDefaults;

public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services)
    {
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section)
            .Validate(o => o.TrustedProxies.All(p => IPAddress.TryParse(p, out _)),
                "ReverseProxy:TrustedProxies must be IP addresses (e.g. 10.0.0.5).")
            .Validate(o => o.TrustedNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "ReverseProxy:TrustedNetworks must be networks in CIDR notation (e.g. 10.42.0.0/16).")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((o, proxies) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Every hop from the right while it is a trusted proxy (TLS terminator → HAProxy → app is two): the client is
            // the first address no trusted proxy vouches for. The framework's default of one hop would make the outer
            // proxy everyone's address, so per-address limits would become one budget for all.
            o.ForwardLimit = null;
            // Only the configured ones: not the framework's default of loopback.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.TrustedProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in proxies.Value.TrustedNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>First in the pipeline, so that the scheme, host and client address are right for everything after it.</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.Configured)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }
}
