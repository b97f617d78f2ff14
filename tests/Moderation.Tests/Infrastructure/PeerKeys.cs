using System.Security.Cryptography;

namespace Moderation.Tests.Infrastructure;

public static class PeerKeys
{
    /// <summary>
    /// A fresh peer key in the OpenSSH form hivemind sends: a random odd modulus of <paramref name="bits"/> bits with
    /// e = 65537. The server checks a key's form and size, never its primality, and generating real RSA keys costs
    /// ~0.1 s each; tests that sign with the peer's key (DPoP) make a real one (<see cref="DpopPeer"/>).
    /// </summary>
    public static string New(int bits = 2048)
    {
        var modulus = new byte[bits / 8 + 1];
        RandomNumberGenerator.Fill(modulus.AsSpan(1));
        modulus[1] |= 0x80;
        modulus[^1] |= 1;
        using var blob = new MemoryStream();
        foreach (var part in new[] { "ssh-rsa"u8.ToArray(), new byte[] { 1, 0, 1 }, modulus })
        {
            blob.Write([(byte)(part.Length >> 24), (byte)(part.Length >> 16), (byte)(part.Length >> 8), (byte)part.Length]);
            blob.Write(part);
        }
        return "ssh-rsa " + Convert.ToBase64String(blob.ToArray());
    }
}
