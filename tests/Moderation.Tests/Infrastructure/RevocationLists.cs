using System.Text.Json;

namespace Moderation.Tests.Infrastructure;

public static class RevocationLists
{
    /// <summary>The banned usernames of an experiment's revocation list as <paramref name="client"/>'s server serves it (payload only, unverified).</summary>
    public static async Task<List<string>> BannedAsync(HttpClient client, string org, string model)
    {
        var jws = await client.GetStringAsync($"/api/v1/experiments/{org}/{model}/revocations");
        var payload = jws.Split('.')[1].Replace('-', '+').Replace('_', '/');
        using var json = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=')));
        return json.RootElement.GetProperty("banned_usernames").EnumerateArray().Select(u => u.GetString()!).ToList();
    }
}
