using System.Text.Json;

namespace Moderation.Tests.Fuzz;

/// <summary>What every answer to a fuzz request must be: never a 5xx, and every 4xx a ProblemDetails body with its status and a title.</summary>
public static class FuzzOracle
{
    /// <summary>What is wrong with the answer, or null.</summary>
    public static string? Check(FuzzRequest request, FuzzResponse response)
    {
        if (response.Status >= 500)
        {
            return $"{response.Status}";
        }
        if (response.Status < 400 || KestrelRefusal(request, response))
        {
            return null;
        }
        if (response.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) != true)
        {
            return $"{response.Status} without ProblemDetails ({response.ContentType ?? "no content type"})";
        }
        try
        {
            var problem = JsonDocument.Parse(response.Body).RootElement;
            if (!problem.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Number || status.GetInt32() != response.Status)
            {
                return $"{response.Status} whose ProblemDetails has another or no status";
            }
            if (!problem.TryGetProperty("title", out var title) || string.IsNullOrWhiteSpace(title.GetString()))
            {
                return $"{response.Status} whose ProblemDetails has no title";
            }
        }
        catch (JsonException)
        {
            return $"{response.Status} whose problem+json body is not JSON";
        }
        return null;
    }

    /// <summary>
    /// Kestrel refuses a request target holding an encoded NUL (<c>%00</c>) in its path itself, with a bare 400 and
    /// <c>Connection: close</c>, before any of the application runs (see KestrelRefusalTests): the one
    /// 4xx without a ProblemDetails body, and only for exactly that.
    /// </summary>
    public static bool KestrelRefusal(FuzzRequest request, FuzzResponse response) =>
        response is { Status: 400, Body: "", ConnectionClosed: true } && PathOf(request.Target).Contains("%00", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the raw path has a <c>.</c> or <c>..</c> segment, plain or percent-encoded in any case.</summary>
    public static bool HasDotSegment(string target) =>
        PathOf(target).Split('/').Any(s => s.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase) is "." or "..");

    private static string PathOf(string target) => target.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? target[..q] : target;
}
