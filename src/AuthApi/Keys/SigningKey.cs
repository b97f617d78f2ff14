using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Keys;

/// <summary>A decrypted experiment key, ready to sign: kept in memory so joins never decrypt.</summary>
public sealed class SigningKey : IDisposable
{
    public SigningKey(string kid, RSA rsa)
    {
        Kid = kid;
        Rsa = rsa;
        PublicParameters = rsa.ExportParameters(false);
        PublicKeyOpenSsh = OpenSshRsaKey.Format(PublicParameters);
        Credentials = PeerJwt.Credentials(kid, rsa);
        OpenSsl = RsaPss.Handle(rsa.ExportParameters(true));
    }

    public string Kid { get; }
    public RSA Rsa { get; }
    public RSAParameters PublicParameters { get; }
    public string PublicKeyOpenSsh { get; }

    /// <summary>For PS256 JWTs and signed documents.</summary>
    public SigningCredentials Credentials { get; }
    private SafeEvpPKeyHandle OpenSsl { get; }

    /// <summary>RSA-PSS/SHA-256 with the maximum salt, as the reference server and hivemind sign.</summary>
    public string SignHivemindAccess(byte[] message) => Convert.ToBase64String(RsaPss.Sign(OpenSsl, message));

    public void Dispose()
    {
        Rsa.Dispose();
        OpenSsl.Dispose();
    }
}
