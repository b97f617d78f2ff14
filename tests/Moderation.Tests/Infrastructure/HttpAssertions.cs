using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moderation.Contracts.Json;

namespace Moderation.Tests.Infrastructure;

public static class HttpAssertions
{
    /// <summary>Asserts the status and that the body is ProblemDetails with that status; returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("title").GetString()));
        return json;
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, WireJson.Options)!;
    }

    public static Task<HttpResponseMessage> PostWireAsync<T>(this HttpClient client, string url, T body) =>
        client.PostAsJsonAsync(url, body, WireJson.Options);

    public static Task<HttpResponseMessage> PutAsJsonWireAsync<T>(this HttpClient client, string url, T body) =>
        client.PutAsJsonAsync(url, body, WireJson.Options);

    public static Task<HttpResponseMessage> PatchWireAsync<T>(this HttpClient client, string url, T body) =>
        client.PatchAsJsonAsync(url, body, WireJson.Options);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static string Detail(this JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    /// <summary>A reference endpoint's 422, in FastAPI's shape: each error of <c>detail</c> as its dotted <c>loc</c>, <c>msg</c> and <c>type</c>.</summary>
    public static List<(string Loc, string Msg, string Type)> FastApiErrors(this JsonElement problem) =>
        problem.GetProperty("detail").EnumerateArray().Select(e => (
            string.Join('.', e.GetProperty("loc").EnumerateArray().Select(l => l.ToString())),
            e.GetProperty("msg").GetString()!,
            e.GetProperty("type").GetString()!)).ToList();
}
