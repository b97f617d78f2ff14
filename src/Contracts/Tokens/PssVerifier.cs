using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Moderation.Contracts.Tokens;

/// <summary>
/// RSA-PSS/SHA-256 verification with one public key through OpenSSL 3. Setting up an OpenSSL verify context costs
/// several times the RSA operation itself, so contexts are set up once and kept for reuse (one per thread that
/// verifies at the same time); this is what brings a verification near <c>openssl speed</c>'s rate. Linux only
/// (<see cref="RsaPss.IsSupported"/>).
/// </summary>
public sealed class PssVerifier : IDisposable
{
    private readonly SafeEvpPKeyHandle _key;
    private readonly int _saltLength;
    private readonly ConcurrentBag<PssContextHandle> _contexts = [];

    /// <param name="saltLength"><see cref="RsaPss.SaltLengthAuto"/> or <see cref="RsaPss.SaltLengthDigest"/>.</param>
    public PssVerifier(RSAParameters publicKey, int saltLength)
    {
        _key = RsaPss.Handle(new RSAParameters { Modulus = publicKey.Modulus, Exponent = publicKey.Exponent });
        _saltLength = saltLength;
    }

    /// <summary>Whether <paramref name="signature"/> is this key's signature of SHA-256(<paramref name="data"/>).</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.IsEmpty)
        {
            return false;
        }
        Span<byte> hash = stackalloc byte[32];
        RsaPss.Sha256(data, hash);
        if (!_contexts.TryTake(out var ctx))
        {
            ctx = new PssContextHandle(RsaPss.NewVerifyContext(_key, _saltLength));
        }
        // Taken out of the bag, the context is this thread's alone until it is put back.
        var valid = RsaPss.VerifyHash(ctx.DangerousGetHandle(), hash, signature);
        _contexts.Add(ctx);
        return valid;
    }

    /// <summary>The contexts set up so far and not in use (for tests).</summary>
    internal IReadOnlyCollection<PssContextHandle> IdleContexts => _contexts.ToArray();

    public void Dispose()
    {
        while (_contexts.TryTake(out var ctx))
        {
            ctx.Dispose();
        }
        _key.Dispose();
    }
}
