using System.Text;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Infrastructure;

/// <summary>
/// Refuses, before anything reads it, a query string whose decoded names or values are not <see cref="PlainText"/> or not
/// valid UTF-8 (400 ProblemDetails): a <c>%00</c> would otherwise reach PostgreSQL, which cannot hold it in text. Request
/// bodies meet the same rule in <see cref="Contracts.Json.PlainTextConverter"/>; Kestrel refuses a <c>%00</c> in the path.
/// Applied by <see cref="RequestTargetGuard"/>.
/// </summary>
public static class QueryStringGuard
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>What is wrong with a raw (percent-encoded) query string, or null.</summary>
    public static string? Problem(string rawQuery)
    {
        foreach (var part in rawQuery.TrimStart('?').Split('&'))
        {
            string text;
            try
            {
                text = StrictUtf8.GetString(Decode(part));
            }
            catch (DecoderFallbackException)
            {
                return "The query string is not valid UTF-8 once percent-decoded.";
            }
            if (PlainText.Problem(text) is { } reason)
            {
                var name = text.Split('=')[0];
                return $"The query parameter '{(PlainText.Problem(name) is null ? name : "?")}' is not accepted: {reason}.";
            }
        }
        return null;
    }

    /// <summary>Percent-decoding as form decoding does it ('+' is a space); a '%' not followed by two hex digits stays as it is.</summary>
    private static byte[] Decode(string part)
    {
        var bytes = new List<byte>(part.Length);
        for (var i = 0; i < part.Length; i++)
        {
            if (part[i] == '%' && i + 2 < part.Length && Uri.IsHexDigit(part[i + 1]) && Uri.IsHexDigit(part[i + 2]))
            {
                bytes.Add(Convert.ToByte(part.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(part[i] == '+' ? " " : part[i].ToString()));
            }
        }
        return [.. bytes];
    }
}
