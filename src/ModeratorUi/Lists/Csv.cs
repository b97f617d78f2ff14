using System.Text;

namespace Moderation.ModeratorUi.Lists;

/// <summary>
/// CSV downloads (RFC 4180, UTF-8). A cell a spreadsheet would run as a formula (<c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>,
/// tab, carriage return first) is prefixed with <c>'</c>: what people typed into an import is not trusted.
/// </summary>
public static class Csv
{
    public static byte[] Of(IEnumerable<string> header, IEnumerable<IEnumerable<string?>> rows)
    {
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            text.AppendJoin(',', row.Select(Cell)).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Cell(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
