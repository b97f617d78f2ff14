using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;

namespace Moderation.ModeratorUi.Forms;

/// <summary>Text written by moderators (evidence) with its http(s) addresses as links; everything else encoded as text.</summary>
public static partial class TextLinks
{
    [GeneratedRegex(@"https?://[^\s<>""']+", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    public static IHtmlContent Linked(string? text)
    {
        var html = new HtmlContentBuilder();
        if (string.IsNullOrEmpty(text))
        {
            return html;
        }
        var at = 0;
        foreach (Match m in Url().Matches(text))
        {
            // A sentence's full stop or comma after an address is not part of it.
            var url = m.Value.TrimEnd('.', ',', ';', ':', ')');
            html.Append(text[at..m.Index]);
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                html.AppendHtml($"<a href=\"{HtmlEncoder.Default.Encode(uri.AbsoluteUri)}\" rel=\"noreferrer\">{HtmlEncoder.Default.Encode(url)}</a>");
            }
            else
            {
                html.Append(url);
            }
            at = m.Index + url.Length;
        }
        html.Append(text[at..]);
        return html;
    }
}
