using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Identity;

/// <summary>Where Hugging Face is, and how patiently and for how long we trust what it says.</summary>
public sealed class HfOptions
{
    public const string Section = "HuggingFace";

    /// <summary>Base URL of the Hub (https://huggingface.co in production, the Hub emulator in tests and local runs).</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "https://huggingface.co";

    /// <summary>Upper bound on one identity lookup; slower answers count as HF being unavailable (503), never as 401.</summary>
    [Range(0.1, 60)]
    public double TimeoutSeconds { get; set; } = 5;

    /// <summary>How long a resolved identity is reused for the same token.</summary>
    [Range(0, 86400)]
    public int CacheSeconds { get; set; } = 300;

    /// <summary>
    /// While the Hub fails, an identity it gave before is still served for up to this long after its
    /// <see cref="CacheSeconds"/> ran out (logged and counted; 0 turns it off).
    /// </summary>
    [Range(0, 7 * 86400)]
    public int StaleIfErrorSeconds { get; set; } = 3600;

    /// <summary>How long a token HF rejected stays rejected without asking again.</summary>
    [Range(0, 3600)]
    public int NegativeCacheSeconds { get; set; } = 30;

    /// <summary>How many tokens' answers the identity cache holds at most (each ~1 KB); rejected tokens are dropped first.</summary>
    [Range(100, 10_000_000)]
    public int IdentityCacheEntries { get; set; } = 100_000;

    /// <summary>The Retry-After sent with a 503 when HF is unavailable.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>
    /// The client id of this service's own OAuth app (the console's; the same setting the console reads). HF OAuth access
    /// tokens are accepted only with an id_token issued to it (<see cref="HubIdTokens"/>); empty: none are accepted.
    /// </summary>
    public string ClientId { get; set; } = "";

    /// <summary>How long after a console sign-in its id_token vouches for its access token (the console's session is 8 h).</summary>
    [Range(1, 24 * 30)]
    public int OAuthSessionHours { get; set; } = 8;
}
