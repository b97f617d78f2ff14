using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Telemetry;

namespace Moderation.AuthApi.Infrastructure;

/// <summary>
/// The rate limits (ASP.NET Core's limiter), partitioned by what each protects: public reads per client address,
/// writes per identity, joins per user, report batches per reporter. Access rules attach them (see
/// <c>Authorization/AccessRules</c>); a refusal is 429 with <c>Retry-After</c> and a ProblemDetails body saying which limit.
/// </summary>
public static class RateLimits
{
    public const string AnonymousReads = "anonymous-reads";
    public const string Writes = "writes";
    public const string Joins = "joins";
    public const string Reports = "reports";

    public static IServiceCollection AddModerationRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(options =>
        {
            options.OnRejected = RejectAsync;
            options.AddPolicy(AnonymousReads, http => Bucket(http, ClientAddress(http), o => (o.AnonymousReadsPerMinute, o.AnonymousReadBurst)));
            options.AddPolicy(Writes, http => HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
                ? RateLimitPartition.GetNoLimiter("reads")
                : Bucket(http, Identity(http), o => (o.WritesPerMinute, o.WriteBurst)));
            options.AddPolicy(Joins, http => Bucket(http, Identity(http), o => (o.JoinsPerMinute, o.JoinBurst)));
            options.AddPolicy(Reports, http => Bucket(http, Identity(http), o => (o.ReportBatchesPerMinute, o.ReportBatchBurst)));
        });
        return services;
    }

    /// <summary>A token bucket per <paramref name="key"/>: the burst at once, then the rate spread over the minute.</summary>
    public static RateLimitPartition<string> Bucket(HttpContext http, string key, Func<RateLimitOptions, (int PerMinute, int Burst)> limit)
    {
        var (perMinute, burst) = limit(http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        return perMinute == 0
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => Options(perMinute, burst));
    }

    public static TokenBucketRateLimiterOptions Options(int perMinute, int burst) => new()
    {
        TokenLimit = burst,
        // A token every second or more often; below 60 a minute, one token every 60/perMinute seconds.
        ReplenishmentPeriod = perMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60.0 / perMinute),
        TokensPerPeriod = perMinute >= 60 ? (int)Math.Ceiling(perMinute / 60.0) : 1,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>
    /// The client's address (after the trusted-proxy handling of forwarded headers) as a limit's partition: an IPv4
    /// address, or an IPv6 address's /64 network — one subscriber gets a whole /64, so one address of it would be a fresh
    /// budget per request.
    /// </summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress switch
    {
        null => "ip:unknown",
        { IsIPv4MappedToIPv6: true } mapped => "ip:" + mapped.MapToIPv4(),
        { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } v6 => "ip:" + new System.Net.IPNetwork(Network64(v6), 64),
        var v4 => "ip:" + v4,
    };

    private static System.Net.IPAddress Network64(System.Net.IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes);
    }

    /// <summary>Who is calling, for per-identity limits: an HF id, a service key, a peer key; else the client address.</summary>
    private static string Identity(HttpContext http)
    {
        var caller = http.RequestServices.GetRequiredService<Caller>();
        return caller.Kind switch
        {
            CallerKind.User => "user:" + caller.User.Id,
            CallerKind.ServiceKey => "key:" + caller.ServiceKey!.Id,
            CallerKind.Peer => "peer:" + caller.Peer!.PeerKeyFingerprint,
            _ => ClientAddress(http),
        };
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        http.RequestServices.GetRequiredService<ModerationMetrics>().RateLimitRefused(policy ?? "unknown");
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"{Describe(policy)} Try again in {seconds} s.",
            },
        });
    }

    private static string Describe(string? policy) => policy switch
    {
        AnonymousReads => "Too many requests from this address to public endpoints.",
        Writes => "Too many changes from this caller.",
        Joins => "Too many joins by this user: each fresh peer key is a new signature.",
        Reports => "Too many contribution batches from this reporter: send larger batches less often.",
        _ => "Too many requests.",
    };
}
