namespace Moderation.Tests.Fuzz;

/// <summary>The hostile values the generator draws from, by where they go.</summary>
public static class FuzzValues
{
    /// <summary>Placeholders for JSON escapes a JSON writer refuses to produce (lone surrogates); replaced in the JSON text.</summary>
    public const string LoneHigh = "__LONE_HIGH_SURROGATE__";
    public const string LoneLow = "__LONE_LOW_SURROGATE__";

    private static readonly System.Text.Json.JsonSerializerOptions Writer =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The body as JSON text (non-ASCII as UTF-8, not escaped), with the lone-surrogate placeholders as <c>\ud800</c>/<c>\udfff</c> escapes.</summary>
    public static string Json(System.Text.Json.Nodes.JsonNode node) =>
        node.ToJsonString(Writer).Replace(LoneHigh, "\\ud800", StringComparison.Ordinal).Replace(LoneLow, "\\udfff", StringComparison.Ordinal);

    /// <summary>Strings for JSON string fields (lone surrogates as placeholders).</summary>
    public static readonly string[] Strings =
    [
        "", " ", "\u0000", "a\u0000b", "\u0001", "\u001b[31m", "\u007f", "\u0085", "x\u200by", "\t", "\r\n", "line\nbreak",
        LoneHigh, "a" + LoneLow, "\ud83d\ude00", "日本語", "../../etc/passwd", "%2e%2e", "..", ".", "<script>alert(1)</script>",
        "' OR 1=1 --", "=cmd|' /C calc'!A0", "null", "true", "0", "-1", "ssh-rsa AAAA", "hf_x", "msk_x",
        // Valid values with a final line feed (a .NET regex's $ matches before it), and non-ASCII that headers cannot carry.
        "demo-org\n", "model\n", "bob\n", new string('a', 40) + "\n", "café", "\u3000", "/\u3000/x",
        new string('a', 300), new string('b', 5000),
    ];

    /// <summary>A string of about 100 KB, kept apart because it costs a lot to send often.</summary>
    public static string Huge(Random random) => new(random.Next(2) == 0 ? 'x' : 'é', 100 * 1024);

    /// <summary>Numbers as JSON text, for numeric fields (and any other field, as a wrong type).</summary>
    public static readonly string[] Numbers =
    [
        "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "99999999999999999999999", "1e308", "-1e308", "1.7976931348623157e308",
        "4.9e-324", "0.5", "-0.0", "1e-400", "\"12\"", "\"1e3\"", "\"\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"0x10\"",
    ];

    /// <summary>JSON values of each kind, for wrong types.</summary>
    public static readonly string[] OtherJson =
    [
        "null", "true", "false", "\"text\"", "[]", "[1,2]", "{}", "{\"a\":1}", "[null]", "[\"\"]", "1", "-1", "1.5", "1e308",
    ];

    /// <summary>In <see cref="PathSegments"/>: the parameter's valid value followed by an encoded line feed.</summary>
    public const string ValidThenLineFeed = "__VALID_THEN_LF__";

    /// <summary>Raw (already percent-encoded) path segments.</summary>
    public static readonly string[] PathSegments =
    [
        ValidThenLineFeed,
        "..", "%2e%2e", "%2E%2e", "%2e.", ".%2E", ".", "%2e", "%00", "a%00b", "%01", "%0a", "%0d%0a", "%1b", "%7f", "%c2%85",
        "%ED%A0%80", "%C0%AE", "%FF", "%fe%ff", "%", "%zz", "%2", "%2F", "..%2f", "%2e%2e%2f", "%5c", "a;b", "~", "%20",
        "%E6%97%A5", "%F0%9F%98%80", "-1", "0", "2147483648", "9223372036854775808", "-9223372036854775809", "1e308",
        "NaN", "null", "%27%20OR%201%3D1", new string('a', 300), new string('b', 4000),
    ];

    /// <summary>Raw (already percent-encoded) query values.</summary>
    public static readonly string[] QueryValues =
    [
        "", "0", "-1", "1", "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1e308", "1.5", "NaN", "abc", "true", "%00", "a%00b", "%01", "%0a", "%1b", "%7f", "%ED%A0%80",
        "%FF", "%", "%zz", "%2e%2e", "..", "%27", "%3Cscript%3E", "%E6%97%A5", new string('q', 2000), "a&b", "%26",
    ];

    /// <summary>Page numbers and sizes at and beyond every edge.</summary>
    public static readonly string[] PageValues =
        ["0", "-1", "1", "2", "1000", "1001", "1073741825", "2147483646", "2147483647", "2147483648", "-2147483648", "4294967297"];

    /// <summary>Authorization header values that are not credentials of anyone.</summary>
    public static readonly string[] JunkAuthorizations =
    [
        "Bearer", "Bearer ", "Basic YWxpY2U6cGFzcw==", "Bearer a b", "bearer hf_dev_nobody", "Token xyz", "DPoP", "DPoP x.y.z",
        "Bearer msk_", "Bearer msk_" + new string('0', 64), "Bearer hf_" + new string('z', 5000), "Bearer eyJ.eyJ.x", "Bearer ...",
        "Bearer eyJhbGciOiJub25lIn0.e30.", "Bearer " + new string('A', 4097),
    ];

    /// <summary>A value as a finding shows it: long ones cut, with their length.</summary>
    public static string Shorten(string text) => text.Length > 40 ? $"{text[..20]}…({text.Length} chars)" : text;
}
