using System.Security.Cryptography;
using Moderation.Contracts.Tokens;

namespace Moderation.Tests.Infrastructure;

public static class PeerKeys
{
    /// <summary>A fresh peer key in the OpenSSH form hivemind sends.</summary>
    public static string New(int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        return OpenSshRsaKey.Format(rsa.ExportParameters(false));
    }
}
