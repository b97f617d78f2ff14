namespace Moderation.Contracts.Validation;

/// <summary>
/// The one rule for text a client sends (JSON strings, query values): no control characters other than tab, line feed
/// and carriage return, and no unpaired UTF-16 surrogates. PostgreSQL cannot store NUL in text, and the others have no
/// business in names, reasons or search terms.
/// </summary>
public static class PlainText
{
    /// <summary>What is wrong with <paramref name="text"/>, or null when it is plain text.</summary>
    public static string? Problem(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return $"it holds the control character U+{(int)c:X4}";
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"it holds an unpaired UTF-16 surrogate (U+{(int)c:X4})";
            }
        }
        return null;
    }
}
