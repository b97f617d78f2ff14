namespace Moderation.ModeratorUi;

/// <summary>Addresses of the console's own pages, with each name percent-encoded.</summary>
public static class ConsoleLinks
{
    public static string Experiment(string org, string model, string? page = null) =>
        $"/experiments/{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(model)}" + (string.IsNullOrEmpty(page) ? "" : "/" + page);

    /// <summary>
    /// <paramref name="url"/> when it is a path on this site, by the framework's local-URL rule (which refuses
    /// <c>/\evil.example</c>, <c>//evil</c> and control characters, all of which browsers may take to another host); else
    /// null. What is kept goes into a <c>Location</c> header, which holds ASCII only, so anything else (<c>/café</c>, an
    /// ideographic space) is percent-encoded as UTF-8, as a browser's address bar does.
    /// </summary>
    public static string? Local(string? url) =>
        url is { Length: > 0 } && Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult.IsLocalUrl(url) ? AsciiOnly(url) : null;

    private static string AsciiOnly(string url)
    {
        if (url.All(c => c is > ' ' and < '\u007f'))
        {
            return url;
        }
        var ascii = new System.Text.StringBuilder(url.Length * 3);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7f)
            {
                ascii.Append((char)rune.Value);
                continue;
            }
            foreach (var b in utf8[..rune.EncodeToUtf8(utf8)])
            {
                ascii.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return ascii.ToString();
    }
}
