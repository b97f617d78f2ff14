using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Telemetry;
using Moderation.Contracts.Identity;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Resolves a bearer HF token to the user behind it: user access tokens through <c>/api/whoami-v2</c>, HF OAuth access
/// tokens through <c>/oauth/userinfo</c>. Results are cached by a SHA-256 of the token (raw tokens are never kept), and
/// concurrent lookups of one token share a single call to HF. When the Hub fails, an identity resolved before is served
/// stale for at most <see cref="HfOptions.StaleIfErrorSeconds"/> past its freshness (logged and counted), and the Hub
/// is asked again for it only every <see cref="HfOptions.RetryAfterSeconds"/>. The cache holds at most
/// <see cref="HfOptions.IdentityCacheEntries"/> tokens (rejected ones are dropped first), and lookups of tokens it does not
/// know pass through <see cref="HubLookupGate"/> (per client address, and a few at a time).
/// </summary>
public sealed class HfIdentityResolver(
    IHttpClientFactory httpClients,
    HubLookupGate gate,
    IOptions<HfOptions> options,
    ModerationMetrics metrics,
    TimeProvider clock,
    ILogger<HfIdentityResolver> logger) : IDisposable
{
    public const string HttpClientName = HubClientSetup.LookupClient;

    private readonly ConcurrentDictionary<string, Lazy<Task<HfIdentity?>>> _inFlight = new();
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = options.Value.IdentityCacheEntries });

    public void Dispose() => cache.Dispose();

    /// <summary>Tokens whose answer is cached now (never more than <see cref="HfOptions.IdentityCacheEntries"/>).</summary>
    public int CachedTokens => cache.Count;

    /// <param name="clientAddress">Who sent the token: lookups of tokens nobody has seen are limited per address.</param>
    /// <returns>The identity, or null when HF says the token is not valid.</returns>
    /// <exception cref="HfUnavailableException">HF is down, slow or failing, and no earlier answer may stand in.</exception>
    /// <exception cref="TooManyLookupsException">This address sent too many unknown tokens lately.</exception>
    public async Task<HfIdentity?> ResolveAsync(string token, string clientAddress, CancellationToken cancellationToken)
    {
        var key = CacheKey(token);
        var known = cache.TryGetValue(key, out CachedLookup? cached);
        if (known && cached!.FreshUntil > clock.GetUtcNow())
        {
            metrics.IdentityCache("hit");
            return cached.Identity;
        }
        if (!known && !_inFlight.ContainsKey(key))
        {
            gate.Admit(clientAddress);
        }

        var lookup = _inFlight.GetOrAdd(key, k => new Lazy<Task<HfIdentity?>>(() => LookUpAndCacheAsync(k, token)));
        return await lookup.Value.WaitAsync(cancellationToken);
    }

    private async Task<HfIdentity?> LookUpAndCacheAsync(string key, string token)
    {
        try
        {
            var settings = options.Value;
            metrics.IdentityCache("miss");
            // The lookup is shared by every waiting request, so it has its own deadline rather than any caller's.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(settings.TimeoutSeconds));
            HfIdentity? identity;
            try
            {
                identity = await LookUpAsync(token, deadline.Token);
            }
            catch (HfUnavailableException ex) when (StaleCopy(key) is { } stale)
            {
                return ServeStale(key, stale, ex);
            }
            var now = clock.GetUtcNow();
            var fresh = TimeSpan.FromSeconds(identity is null ? settings.NegativeCacheSeconds : settings.CacheSeconds);
            // A good answer is kept past its freshness, to stand in while the Hub fails; a rejection is not.
            var kept = identity is null ? fresh : fresh + TimeSpan.FromSeconds(settings.StaleIfErrorSeconds);
            if (kept > TimeSpan.Zero)
            {
                // Rejections go first when the cache is full: a flood of junk tokens must not push out real people.
                cache.Set(key, new CachedLookup(identity, now, now + fresh), new MemoryCacheEntryOptions
                {
                    AbsoluteExpirationRelativeToNow = kept, Size = 1,
                    Priority = identity is null ? CacheItemPriority.Low : CacheItemPriority.Normal,
                });
            }
            return identity;
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    /// <summary>An identity resolved earlier whose stale-if-error window is still open.</summary>
    private CachedLookup? StaleCopy(string key) =>
        cache.TryGetValue(key, out CachedLookup? cached) && cached!.Identity is not null && clock.GetUtcNow() < StaleUntil(cached)
            ? cached
            : null;

    private DateTimeOffset StaleUntil(CachedLookup cached) =>
        cached.ResolvedAt + TimeSpan.FromSeconds(options.Value.CacheSeconds + options.Value.StaleIfErrorSeconds);

    private HfIdentity ServeStale(string key, CachedLookup stale, HfUnavailableException failure)
    {
        var now = clock.GetUtcNow();
        metrics.IdentityCache("stale");
        logger.LogWarning("Hugging Face is unavailable ({Failure}); serving {User}'s identity resolved {Age:F0} s ago (stale until {StaleUntil:O}).",
            failure.Message, stale.Identity!.Username, (now - stale.ResolvedAt).TotalSeconds, StaleUntil(stale));
        // Until the Retry-After has passed, requests with this token get the stale identity without asking the Hub again.
        var retryAt = now + TimeSpan.FromSeconds(options.Value.RetryAfterSeconds);
        cache.Set(key, stale with { FreshUntil = retryAt < StaleUntil(stale) ? retryAt : StaleUntil(stale) },
            new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = StaleUntil(stale) - now, Size = 1 });
        return stale.Identity;
    }

    private async Task<HfIdentity?> LookUpAsync(string token, CancellationToken cancellationToken)
    {
        using var slot = await gate.EnterAsync(cancellationToken);
        var client = httpClients.CreateClient(HttpClientName);
        var call = "whoami";
        var started = Stopwatch.GetTimestamp();
        try
        {
            using (var whoami = await SendAsync(client, "api/whoami-v2", token, cancellationToken))
            {
                if (whoami.IsSuccessStatusCode)
                {
                    var parsed = ParseWhoAmI(await ReadJsonAsync(whoami, cancellationToken));
                    metrics.HubCall(call, "ok", Stopwatch.GetElapsedTime(started));
                    return parsed;
                }
                if (!IsRejection(whoami.StatusCode))
                {
                    throw Unavailable(call, started, $"Hugging Face answered {(int)whoami.StatusCode} to the identity lookup (whoami-v2).");
                }
                metrics.HubCall(call, "rejected", Stopwatch.GetElapsedTime(started));
            }

            // Not a user access token: it may be an HF OAuth access token, which userinfo accepts.
            (call, started) = ("userinfo", Stopwatch.GetTimestamp());
            using var userinfo = await SendAsync(client, "oauth/userinfo", token, cancellationToken);
            if (userinfo.IsSuccessStatusCode)
            {
                var parsed = ParseUserInfo(await ReadJsonAsync(userinfo, cancellationToken));
                metrics.HubCall(call, "ok", Stopwatch.GetElapsedTime(started));
                return parsed;
            }
            if (!IsRejection(userinfo.StatusCode))
            {
                throw Unavailable(call, started, $"Hugging Face answered {(int)userinfo.StatusCode} to the identity lookup (OAuth userinfo).");
            }
            metrics.HubCall(call, "rejected", Stopwatch.GetElapsedTime(started));
            return null;
        }
        catch (BrokenCircuitException ex)
        {
            throw Unavailable(call, started, "Hugging Face is not being asked for a moment: too many recent calls to it failed.", ex, "circuit_open");
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutRejectedException)
        {
            throw Unavailable(call, started, "Hugging Face did not answer the identity lookup in time.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw Unavailable(call, started, "Hugging Face could not be reached.", ex);
        }
        catch (JsonException ex)
        {
            throw Unavailable(call, started, "Hugging Face gave an answer that could not be read.", ex);
        }
    }

    private HfUnavailableException Unavailable(string call, long started, string sentence, Exception? inner = null, string result = "unavailable")
    {
        metrics.HubCall(call, result, Stopwatch.GetElapsedTime(started));
        logger.LogWarning(inner, "Hugging Face identity lookup failed: {What}", sentence);
        return new HfUnavailableException(sentence, inner);
    }

    private static bool IsRejection(HttpStatusCode status) =>
        status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound;

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        return document.RootElement.Clone();
    }

    private static HfIdentity? ParseWhoAmI(JsonElement json)
    {
        // Organization and app tokens resolve too; only a user can take part in an experiment.
        if (Text(json, "type") is { } type && type != "user")
        {
            return null;
        }
        var orgs = Array(json, "orgs")
            .Select(o => new HfOrgMembership(Text(o, "name") ?? "", Text(o, "roleInOrg")))
            .Where(o => o.Name.Length > 0)
            .ToList();
        return new HfIdentity(
            Required(json, "id"), Required(json, "name"), Text(json, "fullname"), Text(json, "email"),
            Flag(json, "emailVerified"), Flag(json, "isPro"), Text(json, "avatarUrl"), orgs);
    }

    private static HfIdentity ParseUserInfo(JsonElement json)
    {
        var orgs = Array(json, "orgs")
            .Select(o => new HfOrgMembership(Text(o, "preferred_username") ?? Text(o, "name") ?? "", Text(o, "roleInOrg")))
            .Where(o => o.Name.Length > 0)
            .ToList();
        return new HfIdentity(
            Required(json, "sub"), Required(json, "preferred_username"), Text(json, "name"), Text(json, "email"),
            Flag(json, "email_verified"), Flag(json, "isPro"), Text(json, "picture"), orgs);
    }

    private static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string Required(JsonElement json, string name) =>
        Text(json, name) is { Length: > 0 } value ? value : throw new JsonException($"'{name}' is missing.");

    private static bool Flag(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static IEnumerable<JsonElement> Array(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    private static string CacheKey(string token) =>
        "hf-identity:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <param name="ResolvedAt">When the Hub gave this answer.</param>
    /// <param name="FreshUntil">Until when it is used without asking the Hub.</param>
    private sealed record CachedLookup(HfIdentity? Identity, DateTimeOffset ResolvedAt, DateTimeOffset FreshUntil);
}
