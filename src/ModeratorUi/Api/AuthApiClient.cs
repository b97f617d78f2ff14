using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;
using Moderation.Contracts.Json;

namespace Moderation.ModeratorUi.Api;

/// <summary>Calls AuthApi as the signed-in user, with their HF access token.</summary>
public sealed class AuthApiClient(HttpClient http, IHttpContextAccessor contextAccessor)
{
    public Task<ApiResult<MeResponse>> GetMeAsync(CancellationToken ct) => GetAsync<MeResponse>("api/v1/me", ct);

    public Task<ApiResult<ExperimentPage>> ListExperimentsAsync(CancellationToken ct) =>
        GetAsync<ExperimentPage>("api/v1/experiments?page_size=200", ct);

    private async Task<ApiResult<T>> GetAsync<T>(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        var token = await contextAccessor.HttpContext!.GetTokenAsync("access_token");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
            {
                return new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(WireJson.Options, ct), null, response.StatusCode);
            }
            var problem = await ReadProblemAsync(response, ct);
            return new ApiResult<T>(default, problem, response.StatusCode);
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
            return problem?.Detail ?? problem?.Title ?? $"The moderation API answered {(int)response.StatusCode}.";
        }
        catch (System.Text.Json.JsonException)
        {
            return $"The moderation API answered {(int)response.StatusCode}.";
        }
    }

    private sealed record ProblemBody(string? Title, string? Detail);
}

/// <summary>What the API answered: a value, or the problem's detail to show the user.</summary>
public sealed record ApiResult<T>(T? Value, string? Problem, HttpStatusCode Status)
{
    public bool Ok => Problem is null && Value is not null;
}
