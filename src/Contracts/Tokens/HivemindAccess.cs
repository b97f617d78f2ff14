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
    private const int MaxTimeLength = 26;
    private static readonly string[] ExpirationFormats =
        ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFF", "yyyy-MM-dd HH:mm:ss.FFFFFF"];

    /// <summary>The bytes the authority signs and peers verify.</summary>
    public static byte[] SignedMessage(string username, string peerPublicKey, DateTime expirationUtc)
    {
        var message = new byte[MaxMessageLength(username, peerPublicKey)];
        return message[..WriteSignedMessage(username, peerPublicKey, expirationUtc, message)];
    }

    /// <summary>At least the UTF-8 length of the signed message (see <see cref="WriteSignedMessage"/>).</summary>
    internal static int MaxMessageLength(string username, string peerPublicKey) =>
        Encoding.UTF8.GetByteCount(username) + Encoding.UTF8.GetByteCount(peerPublicKey) + 5 + MaxTimeLength;

    /// <summary>Writes the signed message into <paramref name="destination"/> (at least <see cref="MaxMessageLength"/> bytes); returns its length.</summary>
    internal static int WriteSignedMessage(string username, string peerPublicKey, DateTime expirationUtc, Span<byte> destination)
    {
        var length = Encoding.UTF8.GetBytes(username, destination);
        " b'"u8.CopyTo(destination[length..]);
        length += 3;
        length += Encoding.UTF8.GetBytes(peerPublicKey, destination[length..]);
        "' "u8.CopyTo(destination[length..]);
        length += 2;
        return length + WritePythonStr(expirationUtc, destination[length..]);
    }

    /// <summary><c>expiration_time</c> as the reference server writes it: ISO 8601, no offset, microseconds only when non-zero.</summary>
    public static string FormatExpiration(DateTime expirationUtc)
    {
        Span<byte> text = stackalloc byte[MaxTimeLength];
        var length = WritePythonStr(expirationUtc, text);
        text[10] = (byte)'T';
        return Encoding.ASCII.GetString(text[..length]);
    }

    /// <summary>Reads <c>expiration_time</c> as Python's <c>datetime.fromisoformat</c> would; an offset or <c>Z</c> is refused, as hivemind does.</summary>
    public static bool TryParseExpiration(string? text, out DateTime expirationUtc)
    {
        expirationUtc = default;
        if (text is null || text.Length is < 19 or > 26 || text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal)
            || text.LastIndexOf('-') > 10)
        {
            return false;
        }
        if (!DateTime.TryParseExact(text, ExpirationFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }
        expirationUtc = DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
        return true;
    }

    /// <summary>The message this token's signature covers, with the expiration rendered the way hivemind renders it.</summary>
    public byte[]? SignedMessage() =>
        TryParseExpiration(ExpirationTime, out var expiration) ? SignedMessage(Username, PeerPublicKey, expiration) : null;

    // Python's str(datetime) in UTF-8: "yyyy-MM-dd HH:mm:ss", then ".ffffff" only when the microseconds are not zero.
    // The peer key goes into the message as repr() of bytes whose content is printable ASCII without quotes or
    // backslashes, b'<text>': peer keys are validated to be exactly that (ssh-rsa + base64), so no escaping is needed.
    private static int WritePythonStr(DateTime value, Span<byte> destination)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        var micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        utc.TryFormat(destination, out var length, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        if (micros != 0)
        {
            destination[length++] = (byte)'.';
            micros.TryFormat(destination[length..], out var digits, "D6", CultureInfo.InvariantCulture);
            length += digits;
        }
        return length;
    }
}
