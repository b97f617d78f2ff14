using System.Text;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// Breaks a request's body as a whole: not JSON, cut, nested too deep, mis-encoded, a wrong content type, or over the
/// size limit. Draws from the generator's <see cref="Random"/>, so a seed still gives the same requests.
/// </summary>
public sealed class FuzzBodyBreaker(Random random)
{
    public (byte[] Body, string Mutation) WholeBody(byte[]? valid)
    {
        var text = valid is null ? "{}" : Encoding.UTF8.GetString(valid);
        var choice = random.Next(16);
        return choice switch
        {
            0 => ([], "empty body"),
            1 => ("null"u8.ToArray(), "body null"),
            2 => ("[]"u8.ToArray(), "body []"),
            3 => ("\"text\""u8.ToArray(), "body a string"),
            4 => ("12345678901234567890"u8.ToArray(), "body a number"),
            5 => (Encoding.UTF8.GetBytes(text[..Math.Max(1, text.Length / 2)]), "body cut in half"),
            6 => (Encoding.UTF8.GetBytes(text + "x"), "trailing garbage"),
            7 => (Encoding.UTF8.GetBytes(text.Replace('"', '\'')), "single quotes"),
            8 => (Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)), "5000 nested arrays"),
            9 => (Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)), "200 nested objects"),
            10 when text.Length > 2 && text.EndsWith('}') => (Encoding.UTF8.GetBytes(text[..^1] + "," + text[1..]), "every field given twice"),
            11 => ([.. "{\"name\":\""u8, 0xFF, 0xFE, 0xC3, .. "\"}"u8], "invalid UTF-8 in a string"),
            12 => ([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)], "byte-order mark"),
            13 => (Encoding.Unicode.GetBytes(text), "UTF-16 body"),
            14 => ("{\"a\":NaN,\"b\":Infinity}"u8.ToArray(), "NaN and Infinity literals"),
            _ => ("{,}"u8.ToArray(), "invalid JSON {,}"),
        };
    }

    public (string? ContentType, string Mutation) ContentType()
    {
        string?[] types =
        [
            null, "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/json; charset=latin1", "application/json; charset=utf-16", "application/merge-patch+json", "application/*",
            "json", "application/problem+json", "image/png",
        ];
        var type = types[random.Next(types.Length)];
        return (type, $"content type {type ?? "missing"}");
    }

    public static byte[] OverLimit(byte[]? valid)
    {
        var filler = "{\"padding\":\"" + new string('p', (int)(1.1 * 1024 * 1024)) + "\"";
        var text = valid is { Length: > 2 } ? filler + "," + Encoding.UTF8.GetString(valid)[1..] : filler + "}";
        return Encoding.UTF8.GetBytes(text);
    }
}
