using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Telemetry;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Looks a Hugging Face account up by name (<c>GET /api/users/{name}/overview</c>, which matches names without regard
/// to case): its permanent id and its name in the Hub's spelling, so moderators cannot act on a typo.
/// Answers, found or not, are cached; a lookup the cache cannot answer passes through <see cref="UserLookupGate"/>.
/// </summary>
public sealed class HfUsers(
    IHttpClientFactory httpClients, HybridCache cache, UserLookupGate gate, IHttpContextAccessor requests, IOptions<HfOptions> options, ModerationMetrics metrics)
{
    // Short: a renamed account's old name can be taken by someone else, and moderators act on what a name means now.
    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromSeconds(30), LocalCacheExpiration = TimeSpan.FromSeconds(30) };

    /// <returns>The account, or null when the Hub has no user of that name.</returns>
    /// <exception cref="HfUnavailableException">HF is down, slow or failing (nothing is cached then).</exception>
    /// <exception cref="TooManyLookupsException">The caller (or this instance) looked up too many unknown names lately.</exception>
    /// <param name="import">The lookup is part of an allowlist import, which spends the caller's import budget.</param>
    public async Task<HfUserRef?> FindAsync(string username, CancellationToken ct, bool import = false) =>
        await cache.GetOrCreateAsync(Key(username), (this, username, (import ? UserLookupGate.ImportPrefix : "") + CallerKey()),
            static (s, token) => s.Item1.AskAsync(s.username, s.Item3, token), Entry, cancellationToken: ct);

    /// <summary>Forgets what was learnt about a name (after a rename the Hub answers differently).</summary>
    public ValueTask ForgetAsync(string username) => cache.RemoveAsync(Key(username));

    /// <summary>Whose budget a lookup spends: the request's signed-in user or service key; background work shares one.</summary>
    private string CallerKey() => requests.HttpContext?.RequestServices.GetService<Caller>() switch
    {
        { Identity: { } user } => "user:" + user.Id,
        { ServiceKey: { } key } => "service-key:" + key.Id,
        { Peer: { } peer } => "peer:" + peer.Username,
        _ => "system",
    };

    private async ValueTask<HfUserRef?> AskAsync(string username, string caller, CancellationToken ct)
    {
        using var slot = await gate.EnterAsync(caller, ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpClients.CreateClient(HubClientSetup.UserClient)
                .GetAsync($"api/users/{Uri.EscapeDataString(username)}/overview", deadline.Token);
            var user = response.StatusCode switch
            {
                HttpStatusCode.OK => Parse(await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token)),
                HttpStatusCode.NotFound => null,
                _ => throw new HfUnavailableException($"Hugging Face answered {(int)response.StatusCode} when asked about a user."),
            };
            metrics.HubCall("user", user is null ? "rejected" : "ok", Stopwatch.GetElapsedTime(started));
            return user;
        }
        catch (HfUnavailableException)
        {
            metrics.HubCall("user", "unavailable", Stopwatch.GetElapsedTime(started));
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or Polly.ExecutionRejectedException
                                   || ex is OperationCanceledException && !ct.IsCancellationRequested)
        {
            metrics.HubCall("user", ex is Polly.CircuitBreaker.BrokenCircuitException ? "circuit_open" : "unavailable", Stopwatch.GetElapsedTime(started));
            throw new HfUnavailableException("Hugging Face could not be asked about a user.", ex);
        }
    }

    private static string Key(string username) => "hf-user:" + username.ToLowerInvariant();

    private static HfUserRef Parse(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object
        && json.TryGetProperty("_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } userId
        && json.TryGetProperty("user", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } userName
            ? new HfUserRef(userId, userName)
            : throw new JsonException("The user overview has no '_id' or 'user'.");
}
