namespace Moderation.AuthApi.Data;

/// <summary>Case-insensitive matching in queries: HF names are unique regardless of case.</summary>
public static class TextQueries
{
    /// <summary>A LIKE/ILIKE pattern that matches <paramref name="text"/> exactly (its wildcards escaped).</summary>
    public static string Exactly(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>A LIKE/ILIKE pattern that matches anything containing <paramref name="text"/>.</summary>
    public static string Containing(string text) => "%" + Exactly(text) + "%";
}
