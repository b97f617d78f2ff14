using System.Globalization;
using System.Text;

namespace Moderation.Contracts.Tokens;

/// <summary>
/// The reference server's peer token, exactly as hivemind's <c>HuggingFaceAuthorizer</c> reads it. The signed message is
/// Python's <c>f"{username} {peer_public_key_bytes} {expiration}"</c>: the key rendered as a bytes literal
/// (<c>b'ssh-rsa …'</c>) and the time as <c>str(datetime)</c> (space separator, microseconds only when non-zero), UTC
/// without an offset.
/// </summary>
public sealed record HivemindAccess(string Username, string PeerPublicKey, string ExpirationTime, string Signature)
{
    /// <summary>The bytes the authority signs and peers verify.</summary>
    public static byte[] SignedMessage(string username, string peerPublicKey, DateTime expirationUtc) =>
        Encoding.UTF8.GetBytes($"{username} {PythonBytesLiteral(peerPublicKey)} {PythonStr(expirationUtc)}");

    /// <summary><c>expiration_time</c> as the reference server writes it: ISO 8601, no offset, microseconds only when non-zero.</summary>
    public static string FormatExpiration(DateTime expirationUtc) => PythonStr(expirationUtc).Replace(' ', 'T');

    /// <summary>Reads <c>expiration_time</c> as Python's <c>datetime.fromisoformat</c> would; an offset or <c>Z</c> is refused, as hivemind does.</summary>
    public static bool TryParseExpiration(string? text, out DateTime expirationUtc)
    {
        expirationUtc = default;
        if (text is null || text.Length is < 19 or > 26 || text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal)
            || text.LastIndexOf('-') > 10)
        {
            return false;
        }
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFF"];
        if (!DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }
        expirationUtc = DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
        return true;
    }

    /// <summary>The message this token's signature covers, with the expiration rendered the way hivemind renders it.</summary>
    public byte[]? SignedMessage() =>
        TryParseExpiration(ExpirationTime, out var expiration) ? SignedMessage(Username, PeerPublicKey, expiration) : null;

    private static string PythonStr(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        var micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
               + (micros == 0 ? "" : "." + micros.ToString("D6", CultureInfo.InvariantCulture));
    }

    // repr() of bytes whose content is printable ASCII without quotes or backslashes: b'<text>'. Peer keys are
    // validated to be exactly that (ssh-rsa + base64), so no escaping is ever needed.
    private static string PythonBytesLiteral(string ascii) => "b'" + ascii + "'";
}
