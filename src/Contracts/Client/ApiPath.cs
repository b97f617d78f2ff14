using System.Globalization;
using System.Text;

namespace Moderation.Contracts.Client;

/// <summary>
/// A relative AuthApi path built from segments, each percent-encoded. A segment that would navigate instead of name
/// (<c>.</c> or <c>..</c>, which <see cref="Uri.EscapeDataString(string)"/> leaves as they are and which
/// <see cref="Uri"/> and servers resolve, so <c>allowlist/..</c> would reach the experiment itself), an empty segment, or
/// one with control characters makes the path unsendable: <see cref="Problem"/> says why, and clients refuse to send it.
/// </summary>
public sealed class ApiPath
{
    private ApiPath(string value, string? problem)
    {
        Value = value;
        Problem = problem;
    }

    /// <summary>The path relative to the API's base address, e.g. <c>api/v1/experiments/demo-org/demo-model/bans</c>.</summary>
    public string Value { get; }

    /// <summary>Why this path must not be sent (a name typed into a form that is not a name); null when it is safe.</summary>
    public string? Problem { get; }

    public bool IsSafe => Problem is null;

    public static ApiPath Of(params string[] segments) => new ApiPath("", null).Then(segments);

    /// <summary><c>api/v1/experiments/{org}/{model}/…rest</c>.</summary>
    public static ApiPath Experiment(string org, string model, params string[] rest) => Of(["api", "v1", "experiments", org, model, .. rest]);

    /// <summary>This path with more segments.</summary>
    public ApiPath Then(params string[] segments)
    {
        if (Value.Contains('?', StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Segments go before the query string.");
        }
        var path = new StringBuilder(Value);
        var problem = Problem;
        foreach (var segment in segments)
        {
            problem ??= Refusal(segment);
            if (path.Length > 0)
            {
                path.Append('/');
            }
            path.Append(Uri.EscapeDataString(segment));
        }
        return new ApiPath(path.ToString(), problem);
    }

    /// <summary>Adds <c>name=value</c> to the query string; a null or blank value adds nothing.</summary>
    public ApiPath Query(string name, object? value)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        if (string.IsNullOrWhiteSpace(text))
        {
            return this;
        }
        var separator = Value.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return new ApiPath($"{Value}{separator}{Uri.EscapeDataString(name)}={Uri.EscapeDataString(text)}", Problem);
    }

    public override string ToString() => Value;

    private static string? Refusal(string segment)
    {
        if (segment.Length == 0)
        {
            return "A name is missing: an empty name cannot be sent.";
        }
        if (segment is "." or "..")
        {
            return $"'{segment}' is not a name: '.' and '..' mean \"this\" and \"the parent\" in a web address, so it was not sent.";
        }
        if (segment.Any(char.IsControl))
        {
            return "The name contains control characters (such as a line break or NUL), so it was not sent.";
        }
        return null;
    }
}
