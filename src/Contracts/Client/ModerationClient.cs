using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moderation.Contracts.Join;
using Moderation.Contracts.Json;
using Moderation.Contracts.Tokens;

namespace Moderation.Contracts.Client;

/// <summary>What the server answered when it refused: the status and the ProblemDetails <c>detail</c> (or reference <c>detail</c>).</summary>
public sealed class ModerationApiException(HttpStatusCode status, string detail)
    : Exception($"{(int)status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;
    public string Detail { get; } = detail;
}

/// <summary>
/// A typed client for the peer-facing endpoints: join (native and reference-compatible), the JWKS and introspection.
/// The HttpClient's BaseAddress is the AuthApi URL; it sends the participant's HF token where a call needs one.
/// </summary>
public sealed class ModerationClient(HttpClient http)
{
    public async Task<JoinResponse> JoinAsync(string hfToken, string org, string model, string peerPublicKey, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/experiments/{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(model)}/join")
        {
            Content = JsonContent.Create(new JoinInput(peerPublicKey), options: WireJson.Options),
        };
        request.Headers.Authorization = new("Bearer", hfToken);
        return await SendAsync<JoinResponse>(request, ct);
    }

    /// <summary>The reference server's join, as hivemind's HuggingFaceAuthorizer calls it.</summary>
    public async Task<ReferenceJoinResponse> JoinReferenceAsync(string hfToken, string org, string model, string peerPublicKey, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put,
            $"api/experiments/join?organization_name={Uri.EscapeDataString(org)}&model_name={Uri.EscapeDataString(model)}")
        {
            Content = JsonContent.Create(new ReferenceJoinRequest(new ReferenceJoinInput(peerPublicKey)), options: WireJson.Options),
        };
        request.Headers.Authorization = new("Bearer", hfToken);
        return await SendAsync<ReferenceJoinResponse>(request, ct);
    }

    public async Task<JsonWebKeySet> GetJwksAsync(string org, string model, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/experiments/{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(model)}/jwks");
        return await SendAsync<JsonWebKeySet>(request, ct);
    }

    public async Task<IntrospectionResponse> IntrospectAsync(IntrospectionRequest introspection, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/tokens/introspect")
        {
            Content = JsonContent.Create(introspection, options: WireJson.Options),
        };
        return await SendAsync<IntrospectionResponse>(request, ct);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await ReadDetailAsync(response, ct);
            throw new ModerationApiException(response.StatusCode, detail);
        }
        return await response.Content.ReadFromJsonAsync<T>(WireJson.Options, ct)
            ?? throw new ModerationApiException(response.StatusCode, "The server answered an empty body.");
    }

    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
                ? detail.GetString()!
                : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
