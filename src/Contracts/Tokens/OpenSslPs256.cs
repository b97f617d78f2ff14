using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.Contracts.Tokens;

/// <summary>
/// PS256 signature checks for the JWT library through <see cref="PssVerifier"/> (OpenSSL verify contexts reused),
/// plugged in with the library's own extension point (<see cref="CryptoProviderFactory.CustomCryptoProvider"/>). The
/// library still decides everything else (which key, alg, typ, iss, aud, lifetime). Used only where OpenSSL 3 is
/// (<see cref="RsaPss.IsSupported"/>); elsewhere keys stay plain <see cref="RsaSecurityKey"/>s and the library's own
/// RSA-PSS does the check, so JWTs verify on Windows and macOS too.
/// </summary>
internal static class OpenSslPs256
{
    private static readonly CryptoProviderFactory Factory = new() { CustomCryptoProvider = new Provider(), CacheSignatureProviders = false };

    /// <summary>A verification key for the library: OpenSSL-backed where possible, the library's own otherwise.</summary>
    public static RsaSecurityKey Key(string? kid, RSAParameters parameters, bool useOpenSsl) => useOpenSsl
        ? new OpenSslKey(parameters) { KeyId = kid, CryptoProviderFactory = Factory }
        : new RsaSecurityKey(parameters) { KeyId = kid };

    /// <summary>An RSA public key that carries its OpenSSL verifier; disposing it frees the verifier.</summary>
    internal sealed class OpenSslKey : RsaSecurityKey, IDisposable
    {
        private readonly Ps256Verifier _verifier;

        public OpenSslKey(RSAParameters parameters) : base(parameters) =>
            _verifier = new Ps256Verifier(this, new PssVerifier(parameters, RsaPss.SaltLengthDigest));

        public SignatureProvider Verifier => _verifier;

        public void Dispose() => _verifier.Pss.Dispose();
    }

    private sealed class Provider : ICryptoProvider
    {
        // Called with (key, willCreateSignatures) to create, and with the algorithm alone to release.
        public bool IsSupportedAlgorithm(string algorithm, params object[] args) =>
            algorithm == SecurityAlgorithms.RsaSsaPssSha256 && args switch
            {
                [] => true,
                [OpenSslKey, bool willCreateSignatures, ..] => !willCreateSignatures,
                _ => false,
            };

        public object Create(string algorithm, params object[] args) => ((OpenSslKey)args[0]).Verifier;

        public void Release(object cryptoInstance)
        {
            // The verifier belongs to its key, which the key set disposes.
        }
    }

    private sealed class Ps256Verifier(SecurityKey key, PssVerifier pss) : SignatureProvider(key, SecurityAlgorithms.RsaSsaPssSha256)
    {
        public PssVerifier Pss => pss;

        public override bool Verify(byte[] input, byte[] signature) => pss.Verify(input, signature);

        public override bool Verify(byte[] input, int inputOffset, int inputLength, byte[] signature, int signatureOffset, int signatureLength) =>
            pss.Verify(input.AsSpan(inputOffset, inputLength), signature.AsSpan(signatureOffset, signatureLength));

        public override byte[] Sign(byte[] input) => throw new NotSupportedException("This provider only verifies.");

        protected override void Dispose(bool disposing)
        {
            // Owned by its key (see Release).
        }
    }
}
