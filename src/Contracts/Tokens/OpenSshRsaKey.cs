using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Moderation.Contracts.Tokens;

/// <summary>
/// An RSA public key in the OpenSSH one-line format hivemind uses (<c>ssh-rsa AAAA…</c>), parsed strictly: exactly the
/// key type and canonical base64 (no comment, no stray whitespace), a 2048–4096-bit odd modulus, an odd public exponent,
/// canonical integers and nothing after them. Anything else is refused with a reason, never signed.
/// </summary>
public sealed class OpenSshRsaKey
{
    public const int MinBits = 2048;
    public const int MaxBits = 4096;

    /// <summary>Longer than any 4096-bit key can be; checked before any decoding.</summary>
    public const int MaxTextLength = 1024;

    private const string KeyType = "ssh-rsa";

    private OpenSshRsaKey(string text, RSAParameters parameters, int bits)
    {
        Text = text;
        Parameters = parameters;
        Bits = bits;
        Fingerprint = JwkThumbprint(parameters);
    }

    /// <summary>The canonical one-line form, exactly as signed into tokens.</summary>
    public string Text { get; }

    public RSAParameters Parameters { get; }

    public int Bits { get; }

    /// <summary>The peer-key fingerprint used everywhere (URLs, revocation lists, <c>cnf.jkt</c>): the RFC 7638 JWK SHA-256 thumbprint, base64url.</summary>
    public string Fingerprint { get; }

    public static OpenSshRsaKey Parse(string? text) =>
        TryParse(text, out var key, out var error) ? key! : throw new FormatException(error);

    public static bool TryParse(string? text, out OpenSshRsaKey? key, out string? error)
    {
        key = null;
        error = Check(text, out var parameters, out var bits);
        if (error is not null)
        {
            return false;
        }
        key = new OpenSshRsaKey(text!, parameters, bits);
        return true;
    }

    /// <summary>The OpenSSH one-line form of an RSA public key.</summary>
    public static string Format(RSAParameters parameters)
    {
        var e = Mpint(parameters.Exponent!);
        var n = Mpint(parameters.Modulus!);
        var blob = new byte[4 + KeyType.Length + 4 + e.Length + 4 + n.Length];
        var span = blob.AsSpan();
        WriteString(ref span, Encoding.ASCII.GetBytes(KeyType));
        WriteString(ref span, e);
        WriteString(ref span, n);
        return KeyType + " " + Convert.ToBase64String(blob);
    }

    /// <summary>RFC 7638: SHA-256 over <c>{"e":…,"kty":"RSA","n":…}</c> with minimal big-endian integers, base64url.</summary>
    public static string JwkThumbprint(RSAParameters parameters)
    {
        var json = $$"""{"e":"{{Base64Url.Encode(TrimLeadingZeros(parameters.Exponent!))}}","kty":"RSA","n":"{{Base64Url.Encode(TrimLeadingZeros(parameters.Modulus!))}}"}""";
        return Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    private static string? Check(string? text, out RSAParameters parameters, out int bits)
    {
        parameters = default;
        bits = 0;
        if (string.IsNullOrEmpty(text))
        {
            return "peer_public_key is missing.";
        }
        if (text.Length > MaxTextLength)
        {
            return $"peer_public_key is longer than {MaxTextLength} characters; an RSA key of at most {MaxBits} bits is expected.";
        }
        var parts = text.Split(' ');
        if (parts.Length != 2 || parts[0] != KeyType)
        {
            return "peer_public_key must be an OpenSSH RSA public key: 'ssh-rsa <base64>' with nothing before or after.";
        }
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            return "peer_public_key is not valid base64.";
        }
        if (Convert.ToBase64String(blob) != parts[1])
        {
            return "peer_public_key is not in canonical base64.";
        }

        var rest = blob.AsSpan();
        if (!TryReadString(ref rest, out var type) || !type.SequenceEqual("ssh-rsa"u8))
        {
            return "peer_public_key's encoded key type is not ssh-rsa.";
        }
        if (!TryReadString(ref rest, out var e) || !TryReadString(ref rest, out var n) || !rest.IsEmpty)
        {
            return "peer_public_key's encoded key is truncated or has trailing data.";
        }
        if (!IsCanonicalPositiveMpint(e) || !IsCanonicalPositiveMpint(n))
        {
            return "peer_public_key's integers are not canonically encoded.";
        }
        var exponent = TrimLeadingZeros(e.ToArray());
        var modulus = TrimLeadingZeros(n.ToArray());
        bits = (int)new BigInteger(modulus, isUnsigned: true, isBigEndian: true).GetBitLength();
        if (bits is < MinBits or > MaxBits)
        {
            return $"peer_public_key is a {bits}-bit RSA key; {MinBits} to {MaxBits} bits are accepted.";
        }
        if ((modulus[^1] & 1) == 0 || exponent.Length > 4 || (exponent[^1] & 1) == 0 || (exponent.Length == 1 && exponent[0] < 3))
        {
            return "peer_public_key is not a valid RSA public key (even modulus, or an exponent that is even, below 3 or above 32 bits).";
        }
        parameters = new RSAParameters { Exponent = exponent, Modulus = modulus };
        return null;
    }

    private static bool TryReadString(ref Span<byte> span, out Span<byte> value)
    {
        value = default;
        if (span.Length < 4)
        {
            return false;
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(span);
        if (length > (uint)(span.Length - 4))
        {
            return false;
        }
        value = span.Slice(4, (int)length);
        span = span[(4 + (int)length)..];
        return true;
    }

    // RFC 4251 mpint: two's complement, no needless leading 0x00 (or 0xff), positive here.
    private static bool IsCanonicalPositiveMpint(ReadOnlySpan<byte> value) =>
        !value.IsEmpty && (value[0] & 0x80) == 0 && !(value[0] == 0 && (value.Length == 1 || (value[1] & 0x80) == 0));

    private static byte[] Mpint(byte[] unsigned)
    {
        var trimmed = TrimLeadingZeros(unsigned);
        return (trimmed[0] & 0x80) != 0 ? [0, .. trimmed] : trimmed;
    }

    private static byte[] TrimLeadingZeros(byte[] value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }
        return start == 0 ? value : value[start..];
    }

    private static void WriteString(ref Span<byte> span, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)value.Length);
        value.CopyTo(span[4..]);
        span = span[(4 + value.Length)..];
    }
}

public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    public static byte[] Decode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
