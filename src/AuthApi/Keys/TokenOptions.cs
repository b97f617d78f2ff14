using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Keys;

public sealed class TokenOptions
{
    public const string Section = "Tokens";

    /// <summary>The JWT <c>iss</c>; required outside Development, where it defaults to the origin the request came in on.</summary>
    public string? Issuer { get; set; }

    /// <summary>Where this service is, as peers and token verifiers name it (every JWT's <c>iss</c>): the configured issuer, else the request's origin.</summary>
    public string PublicOrigin(HttpRequest request) => Issuer is { Length: > 0 } issuer ? issuer.TrimEnd('/') : $"{request.Scheme}://{request.Host}";

    /// <summary>How long a replica keeps using the active key it looked up before checking for a rotation elsewhere.</summary>
    [Range(0, 300)]
    public int ActiveKeyCacheSeconds { get; set; } = 5;

    /// <summary>A re-join with the same user and key gets the same token back while at least this fraction of its lifetime remains.</summary>
    [Range(0, 1)]
    public double ReuseWhileRemaining { get; set; } = 0.5;

    /// <summary>How many re-joinable tokens each replica keeps in memory (0: every re-join reads the database).</summary>
    [Range(0, 1_000_000)]
    public int RejoinMemoryEntries { get; set; } = 10_000;

    /// <summary>Keys older than this are rotated by the scheduled job (0 disables it).</summary>
    [Range(0, 3650)]
    public int RotationPeriodDays { get; set; } = 30;

    /// <summary>A DPoP proof is accepted this long before or after its <c>iat</c> (by the server's clock), and only once.</summary>
    [Range(5, 600)]
    public int DpopProofWindowSeconds { get; set; } = 60;

    /// <summary>Cache lifetime of the JWKS document for HTTP caches and peers.</summary>
    [Range(0, 86400)]
    public int JwksMaxAgeSeconds { get; set; } = 60;
}
