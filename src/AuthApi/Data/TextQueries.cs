namespace Moderation.AuthApi.Data;

/// <summary>Case-insensitive matching in queries: HF names are unique regardless of case.</summary>
public static class TextQueries
{
    /// <summary>
    /// The escape character of <see cref="Exactly"/> and <see cref="Containing"/>, to pass with every pattern: without it
    /// the escapes did not escape (a pattern for <c>ORG_1</c> never matched <c>org_1</c>, so case twins with an
    /// underscore passed the duplicate check); with it the SQL says <c>ESCAPE '\'</c>.
    /// </summary>
    public const string Escape = "\\";

    /// <summary>A LIKE/ILIKE pattern that matches <paramref name="text"/> exactly (its wildcards escaped; pass <see cref="Escape"/>).</summary>
    public static string Exactly(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>A LIKE/ILIKE pattern that matches anything containing <paramref name="text"/>.</summary>
    public static string Containing(string text) => "%" + Exactly(text) + "%";
}
