using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Moderation.Contracts.Tokens;

namespace Moderation.Tests.Tokens;

/// <summary>
/// The reused OpenSSL verify contexts: freed on Dispose, and freed too when a verifier is dropped without Dispose — which
/// is what happens to a key set the key ring replaces after a rotation while requests may still be using it.
/// </summary>
public sealed class PssVerifierTests
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("alice ssh-rsa AAAA 2030-01-01T00:00:00.000000");

    [Fact]
    public void DisposeFreesEveryContextAndTheVerifierRefusesToWorkAfterwards()
    {
        Assert.True(RsaPss.IsSupported, "these machines have OpenSSL 3");
        var (verifier, signature) = VerifierWithContexts();
        var contexts = verifier.IdleContexts;
        Assert.NotEmpty(contexts);
        Assert.All(contexts, c => Assert.False(c.IsClosed));

        verifier.Dispose();

        Assert.All(contexts, c => Assert.True(c.IsClosed));
        Assert.Throws<ObjectDisposedException>(() => verifier.Verify(Message, signature));
    }

    [Fact]
    public void AVerifierDroppedWithoutDisposeHasItsContextsFinalizedAndFreed()
    {
        Assert.True(RsaPss.IsSupported, "these machines have OpenSSL 3");
        var contexts = UseAndDrop();
        Assert.NotEmpty(contexts);

        for (var i = 0; i < 10 && contexts.Any(c => c.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        // A long weak reference is cleared only once the object's finalizer has run, and a SafeHandle's finalizer frees
        // the handle it owns (PssContextHandle.ReleaseHandle: EVP_PKEY_CTX_free).
        Assert.All(contexts, c => Assert.False(c.IsAlive));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference> UseAndDrop()
    {
        var (verifier, _) = VerifierWithContexts();
        return verifier.IdleContexts.Select(c => new WeakReference(c, trackResurrection: true)).ToList();
    }

    /// <summary>A verifier that has verified from several threads at once, so that it keeps several contexts.</summary>
    private static (PssVerifier Verifier, byte[] Signature) VerifierWithContexts()
    {
        using var rsa = RSA.Create(2048);
        using var signer = RsaPss.Handle(rsa.ExportParameters(true));
        var signature = RsaPss.Sign(signer, Message);
        var verifier = new PssVerifier(rsa.ExportParameters(false), RsaPss.SaltLengthAuto);
        using var start = new Barrier(4);
        var verified = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 20; i++)
            {
                if (verifier.Verify(Message, signature))
                {
                    Interlocked.Increment(ref verified);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(80, verified);
        Assert.False(verifier.Verify(Message.Reverse().ToArray(), signature));
        return (verifier, signature);
    }
}
