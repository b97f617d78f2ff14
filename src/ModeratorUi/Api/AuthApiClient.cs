using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;
using Moderation.Contracts.Json;

namespace Moderation.ModeratorUi.Api;

/// <summary>Calls AuthApi as the signed-in user, with their HF access token; answers carry the API's own explanation when it refuses.</summary>
public sealed class AuthApiClient(HttpClient http, IHttpContextAccessor contextAccessor)
{
    public Task<ApiResult<MeResponse>> GetMeAsync(CancellationToken ct) => GetAsync<MeResponse>("api/v1/me", ct);

    public Task<ApiResult<ExperimentPage>> ListExperimentsAsync(CancellationToken ct) =>
        GetAsync<ExperimentPage>("api/v1/experiments?page_size=200", ct);

    public Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    /// <summary>Sends <paramref name="body"/> as snake_case JSON; a 204 answers with a default value and no problem.</summary>
    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: WireJson.Options);
        }
        var token = await contextAccessor.HttpContext!.GetTokenAsync("access_token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return new ApiResult<T>(default, null, response.StatusCode);
            }
            if (response.IsSuccessStatusCode)
            {
                return new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(WireJson.Options, ct), null, response.StatusCode);
            }
            return new ApiResult<T>(default, await ReadProblemAsync(response, ct), response.StatusCode);
        }
        catch (HttpRequestException)
        {
            return new ApiResult<T>(default, "The moderation API is unreachable. Try again shortly.", HttpStatusCode.ServiceUnavailable);
        }
    }

    private static async Task<string> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(WireJson.Options, ct);
            var fields = problem?.Errors is { Count: > 0 } errors ? " " + string.Join(" ", errors.SelectMany(e => e.Value)) : "";
            return (problem?.Detail ?? problem?.Title ?? $"The moderation API answered {(int)response.StatusCode}.") + (problem?.Detail is null ? fields : "");
        }
        catch (System.Text.Json.JsonException)
        {
            return $"The moderation API answered {(int)response.StatusCode}.";
        }
    }

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}

/// <summary>What the API answered: a value, or the problem's detail to show the user.</summary>
public sealed record ApiResult<T>(T? Value, string? Problem, HttpStatusCode Status)
{
    public bool Ok => Problem is null;
}
