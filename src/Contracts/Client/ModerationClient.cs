using System.Net;
using System.Net.Http.Json;
using Moderation.Contracts.Join;
using Moderation.Contracts.Json;
using Moderation.Contracts.Tokens;

namespace Moderation.Contracts.Client;

/// <summary>What the server answered when it refused: the status and the ProblemDetails <c>detail</c> (or reference <c>detail</c>).</summary>
public sealed class ModerationApiException(ApiProblem problem)
    : Exception($"{problem.Status}: {problem.Detail}")
{
    public ApiProblem Problem { get; } = problem;
    public HttpStatusCode Status => (HttpStatusCode)Problem.Status;
    public string Detail => Problem.Detail;
}

/// <summary>
/// A typed client for the peer-facing endpoints: join (native and reference-compatible), the JWKS and introspection.
/// The HttpClient's BaseAddress is the AuthApi URL; it sends the participant's HF token where a call needs one.
/// </summary>
public sealed class ModerationClient(HttpClient http)
{
    public async Task<JoinResponse> JoinAsync(string hfToken, string org, string model, string peerPublicKey, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Sendable(ApiPath.Experiment(org, model, "join")))
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
            ApiPath.Of("api", "experiments", "join").Query("organization_name", org).Query("model_name", model).Value)
        {
            Content = JsonContent.Create(new ReferenceJoinRequest(new ReferenceJoinInput(peerPublicKey)), options: WireJson.Options),
        };
        request.Headers.Authorization = new("Bearer", hfToken);
        return await SendAsync<ReferenceJoinResponse>(request, ct);
    }

    public async Task<JsonWebKeySet> GetJwksAsync(string org, string model, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Sendable(ApiPath.Experiment(org, model, "jwks")));
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

    /// <summary>The path to send, or the refusal to send it (a name such as "..") as a 400 that never reached the server.</summary>
    private static string Sendable(ApiPath path) =>
        path.Problem is { } problem ? throw new ModerationApiException(ApiProblem.Of(400, problem)) : path.Value;

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ModerationApiException(await ApiProblem.ReadAsync(response, ct));
        }
        return await response.Content.ReadFromJsonAsync<T>(WireJson.Options, ct)
            ?? throw new ModerationApiException(ApiProblem.Of((int)response.StatusCode, "The server answered an empty body."));
    }
}
