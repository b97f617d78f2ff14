using System.Text.Json;

namespace Moderation.Contracts.Client;

/// <summary>
/// Why the server refused a request, read from its answer: an RFC 7807 ProblemDetails body (<c>detail</c>, <c>title</c>,
/// field errors under <c>errors</c>), the reference server's <c>{"detail": "…"}</c> or <c>{"detail": [{"loc", "msg"}]}</c>,
/// or a short plain-text body. Never throws: an unreadable body becomes a sentence naming the status.
/// </summary>
public sealed record ApiProblem(int Status, string Detail, IReadOnlyDictionary<string, string[]> Errors, string? Title = null)
{
    private const int MaxPlainTextBody = 300;

    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    /// <summary>A problem found before anything was sent (or when nothing answered).</summary>
    public static ApiProblem Of(int status, string detail) => new(status, detail, NoErrors);

    /// <summary>The field errors of <paramref name="field"/> (its wire name, e.g. <c>expires_at</c>); none when it has none.</summary>
    public IReadOnlyList<string> ErrorsFor(string field) => Errors.TryGetValue(field, out var messages) ? messages : [];

    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException)
        {
            body = "";
        }
        return Parse((int)response.StatusCode, body);
    }

    public static ApiProblem Parse(int status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Of(status, Fallback(status, body));
            }
            var errors = ReadErrors(root);
            var title = Text(root, "title");
            var detail = Text(root, "detail") ?? ReferenceDetail(root) ?? (errors.Count > 0 ? string.Join(" ", errors.Values.SelectMany(m => m)) : null)
                         ?? title ?? Fallback(status, "");
            return new ApiProblem(status, detail, errors, title);
        }
        catch (JsonException)
        {
            return Of(status, Fallback(status, body));
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    private static Dictionary<string, string[]> ReadErrors(JsonElement root)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in list.EnumerateObject())
            {
                errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                    ? field.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToArray()
                    : field.Value.ValueKind == JsonValueKind.String ? [field.Value.GetString()!] : [];
            }
        }
        return errors;
    }

    /// <summary>FastAPI's validation answer, as the reference server gives it: <c>{"detail": [{"loc": [...], "msg": "..."}]}</c>.</summary>
    private static string? ReferenceDetail(JsonElement root)
    {
        if (!root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var messages = detail.EnumerateArray()
            .Where(item => item.ValueKind == JsonValueKind.Object)
            .Select(item => Text(item, "msg") is { } msg
                ? (item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array
                    ? string.Join(".", loc.EnumerateArray().Select(l => l.ToString())) + ": " + msg
                    : msg)
                : null)
            .OfType<string>().ToList();
        return messages.Count > 0 ? string.Join(" ", messages) : null;
    }

    /// <summary>A short plain-text body is the server's own words; anything else (an HTML error page) is not shown.</summary>
    private static string Fallback(int status, string body)
    {
        var text = body.Trim();
        if (text.Length is > 0 and <= MaxPlainTextBody && !text.StartsWith('<') && !text.StartsWith('{') && !text.StartsWith('['))
        {
            return text;
        }
        return $"The server answered {status} without saying why.";
    }
}
