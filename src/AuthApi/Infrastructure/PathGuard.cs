namespace Moderation.AuthApi.Infrastructure;

/// <summary>
/// Refuses, before routing, request paths whose raw form holds a dot segment (<c>.</c> or <c>..</c>, plain or
/// percent-encoded in any case), a control character, or an over-long segment. Kestrel resolves dot segments while
/// decoding, so <c>DELETE …/allowlist/%2e%2e</c> would otherwise reach <c>DELETE …/{model}</c>: a name typed into a
/// form must never address another route. Applied by <see cref="RequestTargetGuard"/>.
/// </summary>
public static class PathGuard
{
    public const int MaxSegmentLength = 256;

    /// <summary>What is wrong with the path part of a raw request target, or null.</summary>
    public static string? Problem(string rawTarget)
    {
        var end = rawTarget.IndexOfAny(['?', '#']);
        var path = end < 0 ? rawTarget : rawTarget[..end];
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length > MaxSegmentLength)
            {
                return $"A path segment is longer than {MaxSegmentLength} characters.";
            }
            string decoded;
            try
            {
                decoded = Uri.UnescapeDataString(segment);
            }
            catch (UriFormatException)
            {
                return "The path is not valid percent-encoding.";
            }
            if (decoded is "." or "..")
            {
                return "The path has a '.' or '..' segment (plain or percent-encoded); names may not be '.' or '..'.";
            }
            if (decoded.Any(char.IsControl))
            {
                return "The path holds a control character (such as %00).";
            }
        }
        return null;
    }
}
