using System.Net;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Moderation.AuthApi.Identity;

/// <summary>Whether a Hugging Face account exists (<c>GET /api/users/{name}/overview</c>), so moderators cannot ban or admit a typo.</summary>
public sealed class HfUsers(IHttpClientFactory httpClients, IMemoryCache cache, IOptions<HfOptions> options)
{
    /// <exception cref="HfUnavailableException">HF is down, slow or failing.</exception>
    public async Task<bool> ExistsAsync(string username, CancellationToken ct)
    {
        var key = "hf-user:" + username.ToLowerInvariant();
        if (cache.TryGetValue(key, out bool known))
        {
            return known;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        try
        {
            using var response = await httpClients.CreateClient(HfIdentityResolver.HttpClientName)
                .GetAsync($"api/users/{Uri.EscapeDataString(username)}/overview", deadline.Token);
            bool exists = response.StatusCode switch
            {
                HttpStatusCode.OK => true,
                HttpStatusCode.NotFound => false,
                _ => throw new HfUnavailableException($"Hugging Face answered {(int)response.StatusCode} when asked about a user."),
            };
            cache.Set(key, exists, exists ? TimeSpan.FromMinutes(10) : TimeSpan.FromMinutes(1));
            return exists;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new HfUnavailableException("Hugging Face could not be asked about a user.", ex);
        }
    }
}
