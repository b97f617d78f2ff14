using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication;
using Moderation.Contracts.Client;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;
using Moderation.Contracts.Json;

namespace Moderation.ModeratorUi.Api;

/// <summary>
/// Calls AuthApi as the signed-in user, with their HF access token and the id_token of their sign-in here. Every answer is an <see cref="ApiResult{T}"/>: the
/// value, or the API's own <see cref="ApiProblem"/> when it refused. Paths are <see cref="ApiPath"/>s: one that is not
/// safe to send (a typed "..") is refused here, before anything leaves.
/// </summary>
public sealed class AuthApiClient(HttpClient http, IHttpContextAccessor contextAccessor)
{
    /// <summary>Where AuthApi reads the sign-in's id_token (AuthApi's Identity/HubIdTokens).</summary>
    public const string IdTokenHeader = "X-HF-Id-Token";

    public Task<ApiResult<MeResponse>> GetMeAsync(CancellationToken ct) => GetAsync<MeResponse>(ApiPath.Of("api", "v1", "me"), ct);

    public Task<ApiResult<ExperimentPage>> ListExperimentsAsync(int page, CancellationToken ct) =>
        GetAsync<ExperimentPage>(ApiPath.Of("api", "v1", "experiments").Query("page", page).Query("page_size", 50), ct);

    public Task<ApiResult<T>> GetAsync<T>(ApiPath path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    /// <summary>How long a call may take unless it says otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Sends <paramref name="body"/> as snake_case JSON; a 204 answers with a default value and no problem. A call that
    /// does much (an import of thousands of names) may take longer than <see cref="DefaultTimeout"/>.
    /// </summary>
    public async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, ApiPath path, object? body, CancellationToken ct, TimeSpan? timeout = null)
    {
        if (path.Problem is { } unsafePath)
        {
            return new ApiResult<T>(default, ApiProblem.Of(StatusCodes.Status400BadRequest, unsafePath));
        }
        using var request = new HttpRequestMessage(method, path.Value);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: WireJson.Options);
        }
        var context = contextAccessor.HttpContext!;
        // The access token alone is no authority at AuthApi (any app's HF OAuth token resolves to its user): the id_token
        // of this console's own sign-in (aud = our client id, signed by the Hub) goes with it.
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await context.GetTokenAsync("access_token"));
        if (await context.GetTokenAsync("id_token") is { Length: > 0 } idToken)
        {
            request.Headers.Add(IdTokenHeader, idToken);
        }
        // The person's address, so AuthApi's per-address limits count each person rather than this app as a whole.
        // AuthApi believes it only when this app's address is among its trusted proxies (README, "Rate limits").
        if (context.Connection.RemoteIpAddress is { } person)
        {
            request.Headers.Add("X-Forwarded-For", person.ToString());
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            using var response = await http.SendAsync(request, limit.Token);
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return new ApiResult<T>(default, null, status);
            }
            if (response.IsSuccessStatusCode)
            {
                return new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(WireJson.Options, limit.Token), null, status);
            }
            return new ApiResult<T>(default, await ApiProblem.ReadAsync(response, limit.Token), status);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return new ApiResult<T>(default, ApiProblem.Of(StatusCodes.Status503ServiceUnavailable,
                "The moderation API did not answer in time. Reload the page to see whether anything changed, then try again."));
        }
    }
}
