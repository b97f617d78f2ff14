namespace Moderation.ModeratorUi.Forms;

/// <summary>Element ids of form fields: the form key and the field name, reduced to characters an id may hold.</summary>
public static class FieldIds
{
    public static string For(string form, string field) =>
        new string($"{form}-{field}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray()).ToLowerInvariant();
}
