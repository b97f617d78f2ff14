using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Looks a Hugging Face account up by name (<c>GET /api/users/{name}/overview</c>, which matches names without regard
/// to case): its permanent id and its name in the Hub's spelling, so moderators cannot act on a typo.
/// </summary>
public sealed class HfUsers(IHttpClientFactory httpClients, IMemoryCache cache, IOptions<HfOptions> options)
{
    // Short: a renamed account's old name can be taken by someone else, and moderators act on what a name means now.
    private static readonly TimeSpan KnownFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UnknownFor = TimeSpan.FromMinutes(1);

    /// <returns>The account, or null when the Hub has no user of that name.</returns>
    /// <exception cref="HfUnavailableException">HF is down, slow or failing.</exception>
    public async Task<HfUserRef?> FindAsync(string username, CancellationToken ct)
    {
        var key = "hf-user:" + username.ToLowerInvariant();
        if (cache.TryGetValue(key, out HfUserRef? known))
        {
            return known;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        try
        {
            using var response = await httpClients.CreateClient(HfIdentityResolver.HttpClientName)
                .GetAsync($"api/users/{Uri.EscapeDataString(username)}/overview", deadline.Token);
            HfUserRef? user = response.StatusCode switch
            {
                HttpStatusCode.OK => Parse(await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token)),
                HttpStatusCode.NotFound => null,
                _ => throw new HfUnavailableException($"Hugging Face answered {(int)response.StatusCode} when asked about a user."),
            };
            cache.Set(key, user, user is null ? UnknownFor : KnownFor);
            return user;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new HfUnavailableException("Hugging Face could not be asked about a user.", ex);
        }
    }

    /// <summary>Forgets what was learnt about a name (after a rename the Hub answers differently).</summary>
    public void Forget(string username) => cache.Remove("hf-user:" + username.ToLowerInvariant());

    private static HfUserRef Parse(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object
        && json.TryGetProperty("_id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } userId
        && json.TryGetProperty("user", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } userName
            ? new HfUserRef(userId, userName)
            : throw new JsonException("The user overview has no '_id' or 'user'.");
}
