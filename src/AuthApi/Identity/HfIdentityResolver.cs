using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Moderation.Contracts.Identity;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Resolves a bearer HF token to the user behind it: user access tokens through <c>/api/whoami-v2</c>, HF OAuth access
/// tokens through <c>/oauth/userinfo</c>. Results are cached by a SHA-256 of the token (raw tokens are never kept), and
/// concurrent lookups of one token share a single call to HF.
/// </summary>
public sealed class HfIdentityResolver(
    IHttpClientFactory httpClients,
    IMemoryCache cache,
    IOptions<HfOptions> options,
    ILogger<HfIdentityResolver> logger)
{
    public const string HttpClientName = "huggingface";

    private readonly ConcurrentDictionary<string, Lazy<Task<HfIdentity?>>> _inFlight = new();

    /// <returns>The identity, or null when HF says the token is not valid.</returns>
    /// <exception cref="HfUnavailableException">HF is down, slow or failing.</exception>
    public async Task<HfIdentity?> ResolveAsync(string token, CancellationToken cancellationToken)
    {
        var key = CacheKey(token);
        if (cache.TryGetValue(key, out CachedLookup? cached))
        {
            return cached!.Identity;
        }

        var lookup = _inFlight.GetOrAdd(key, k => new Lazy<Task<HfIdentity?>>(() => LookUpAndCacheAsync(k, token)));
        return await lookup.Value.WaitAsync(cancellationToken);
    }

    private async Task<HfIdentity?> LookUpAndCacheAsync(string key, string token)
    {
        try
        {
            var settings = options.Value;
            // The lookup is shared by every waiting request, so it has its own deadline rather than any caller's.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(settings.TimeoutSeconds));
            var identity = await LookUpAsync(token, deadline.Token);
            var lifetime = TimeSpan.FromSeconds(identity is null ? settings.NegativeCacheSeconds : settings.CacheSeconds);
            if (lifetime > TimeSpan.Zero)
            {
                cache.Set(key, new CachedLookup(identity), lifetime);
            }
            return identity;
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
        }
    }

    private async Task<HfIdentity?> LookUpAsync(string token, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        try
        {
            using (var whoami = await SendAsync(client, "api/whoami-v2", token, cancellationToken))
            {
                if (whoami.IsSuccessStatusCode)
                {
                    return ParseWhoAmI(await ReadJsonAsync(whoami, cancellationToken));
                }
                if (!IsRejection(whoami.StatusCode))
                {
                    throw Unavailable($"whoami-v2 answered {(int)whoami.StatusCode}");
                }
            }

            // Not a user access token: it may be an HF OAuth access token, which userinfo accepts.
            using var userinfo = await SendAsync(client, "oauth/userinfo", token, cancellationToken);
            if (userinfo.IsSuccessStatusCode)
            {
                return ParseUserInfo(await ReadJsonAsync(userinfo, cancellationToken));
            }
            return IsRejection(userinfo.StatusCode) ? null : throw Unavailable($"userinfo answered {(int)userinfo.StatusCode}");
        }
        catch (OperationCanceledException ex)
        {
            throw Unavailable("no answer within the timeout", ex);
        }
        catch (HttpRequestException ex)
        {
            throw Unavailable("unreachable", ex);
        }
        catch (JsonException ex)
        {
            throw Unavailable("an unreadable answer", ex);
        }
    }

    private HfUnavailableException Unavailable(string what, Exception? inner = null)
    {
        logger.LogWarning(inner, "Hugging Face identity lookup failed: {What}", what);
        return new HfUnavailableException($"Hugging Face gave {what}.", inner);
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

    private sealed record CachedLookup(HfIdentity? Identity);
}
