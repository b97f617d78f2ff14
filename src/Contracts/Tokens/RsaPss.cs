using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Moderation.Contracts.Tokens;

/// <summary>
/// RSA-PSS with SHA-256 and MGF1-SHA-256 at the salt lengths hivemind uses, through the OpenSSL that .NET itself runs on.
/// .NET's own PSS fixes the salt at the hash length; hivemind signs with the <b>maximum</b> salt and older
/// <c>cryptography</c> releases verify with exactly that, so tokens are signed with the maximum salt and verified with
/// the salt length detected from the signature (which accepts both).
/// </summary>
public static partial class RsaPss
{
    private const string LibCrypto = "libcrypto.so.3";
    private const int RsaPkcs1PssPadding = 6;
    /// <summary>Verify with the salt length the signature has (hivemind_access: any valid salt).</summary>
    public const int SaltLengthAuto = -2;

    /// <summary>Verify with a salt exactly as long as the hash (PS256, RFC 7518).</summary>
    public const int SaltLengthDigest = -1;

    private const int SaltLengthMax = -3;

    private static readonly Lazy<bool> Supported = new(() => OperatingSystem.IsLinux() && NativeLibrary.TryLoad(LibCrypto, out _));

    // SHA-256 fetched once: OpenSSL 3 looks the algorithm up again on every call made with EVP_sha256(), which costs
    // more than hashing a token. Zero where OpenSSL 3 is absent.
    private static readonly Lazy<IntPtr> FetchedSha256 = new(() => IsSupported ? EvpMdFetch(IntPtr.Zero, "SHA256", IntPtr.Zero) : IntPtr.Zero);

    /// <summary>Whether OpenSSL 3 is here (Linux with libcrypto.so.3). Elsewhere only hivemind_access needs it; JWTs do not.</summary>
    [System.Runtime.Versioning.SupportedOSPlatformGuard("linux")]
    public static bool IsSupported => Supported.Value;

    /// <summary>An OpenSSL key for <see cref="Sign"/> and <see cref="Verify"/>; create it once per key and reuse it.</summary>
    public static SafeEvpPKeyHandle Handle(RSAParameters parameters)
    {
        if (!IsSupported)
        {
            throw Unsupported();
        }
        using var rsa = new RSAOpenSsl(parameters);
        return rsa.DuplicateKeyHandle();
    }

    /// <summary>Signs SHA-256(<paramref name="data"/>) with the maximum salt length, as hivemind does.</summary>
    public static byte[] Sign(SafeEvpPKeyHandle privateKey, ReadOnlySpan<byte> data)
    {
        EnsureSupported();
        Span<byte> hash = stackalloc byte[32];
        Sha256(data, hash);
        var added = false;
        privateKey.DangerousAddRef(ref added);
        var ctx = NewContext(privateKey.DangerousGetHandle(), sign: true, SaltLengthMax);
        try
        {
            nuint length = 0;
            if (EvpPKeySign(ctx, ref MemoryMarshal.GetReference(Span<byte>.Empty), ref length, in MemoryMarshal.GetReference(hash), (nuint)hash.Length) != 1)
            {
                throw Failure("size the signature");
            }
            var signature = new byte[(int)length];
            if (EvpPKeySign(ctx, ref MemoryMarshal.GetArrayDataReference(signature), ref length, in MemoryMarshal.GetReference(hash), (nuint)hash.Length) != 1)
            {
                throw Failure("sign");
            }
            return length == (nuint)signature.Length ? signature : signature[..(int)length];
        }
        finally
        {
            EvpPKeyCtxFree(ctx);
            if (added)
            {
                privateKey.DangerousRelease();
            }
        }
    }

    /// <summary>SHA-256 of <paramref name="data"/> into <paramref name="hash"/> (32 bytes): through OpenSSL's fetched SHA-256 where OpenSSL 3 is, .NET's elsewhere.</summary>
    internal static void Sha256(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var md = FetchedSha256.Value;
        uint length = 0;
        if (md == IntPtr.Zero || hash.Length < 32
            || EvpDigest(in MemoryMarshal.GetReference(data), (nuint)data.Length, ref MemoryMarshal.GetReference(hash), ref length, md, IntPtr.Zero) != 1)
        {
            SHA256.HashData(data, hash);
        }
    }

    /// <summary>A context set up to verify with <paramref name="publicKey"/>: SHA-256, MGF1-SHA-256, <paramref name="saltLength"/>. It holds its own reference to the key.</summary>
    internal static IntPtr NewVerifyContext(SafeEvpPKeyHandle publicKey, int saltLength)
    {
        EnsureSupported();
        var added = false;
        publicKey.DangerousAddRef(ref added);
        try
        {
            return NewContext(publicKey.DangerousGetHandle(), sign: false, saltLength);
        }
        finally
        {
            if (added)
            {
                publicKey.DangerousRelease();
            }
        }
    }

    /// <summary>Checks <paramref name="signature"/> over a SHA-256 <paramref name="hash"/> with a context from <see cref="NewVerifyContext"/>; the context stays usable.</summary>
    internal static bool VerifyHash(IntPtr ctx, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        var result = EvpPKeyVerify(ctx, in MemoryMarshal.GetReference(signature), (nuint)signature.Length, in MemoryMarshal.GetReference(hash), (nuint)hash.Length);
        if (result != 1)
        {
            ErrClearError();
        }
        return result == 1;
    }

    internal static void FreeContext(IntPtr ctx) => EvpPKeyCtxFree(ctx);

    private static void EnsureSupported()
    {
        if (!IsSupported)
        {
            throw Unsupported();
        }
    }

    private static PlatformNotSupportedException Unsupported() => new(
        "hivemind_access signatures (RSA-PSS with the maximum salt) need OpenSSL 3 (libcrypto.so.3), which is not here; PS256 JWTs do not.");

    private static IntPtr NewContext(IntPtr key, bool sign, int saltLength)
    {
        var ctx = EvpPKeyCtxNew(key, IntPtr.Zero);
        if (ctx == IntPtr.Zero)
        {
            throw Failure("create a key context");
        }
        var sha256 = EvpSha256();
        if ((sign ? EvpPKeySignInit(ctx) : EvpPKeyVerifyInit(ctx)) != 1
            || EvpPKeyCtxSetRsaPadding(ctx, RsaPkcs1PssPadding) != 1
            || EvpPKeyCtxSetSignatureMd(ctx, sha256) != 1
            || EvpPKeyCtxSetRsaMgf1Md(ctx, sha256) != 1
            || EvpPKeyCtxSetRsaPssSaltlen(ctx, saltLength) != 1)
        {
            EvpPKeyCtxFree(ctx);
            throw Failure("set up RSA-PSS");
        }
        return ctx;
    }

    private static CryptographicException Failure(string what)
    {
        ErrClearError();
        return new CryptographicException($"OpenSSL could not {what}.");
    }

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_CTX_new")]
    private static partial IntPtr EvpPKeyCtxNew(IntPtr pkey, IntPtr engine);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_CTX_free")]
    private static partial void EvpPKeyCtxFree(IntPtr ctx);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_sign_init")]
    private static partial int EvpPKeySignInit(IntPtr ctx);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_verify_init")]
    private static partial int EvpPKeyVerifyInit(IntPtr ctx);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_CTX_set_rsa_padding")]
    private static partial int EvpPKeyCtxSetRsaPadding(IntPtr ctx, int padding);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_CTX_set_rsa_pss_saltlen")]
    private static partial int EvpPKeyCtxSetRsaPssSaltlen(IntPtr ctx, int saltLength);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_CTX_set_signature_md")]
    private static partial int EvpPKeyCtxSetSignatureMd(IntPtr ctx, IntPtr md);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_CTX_set_rsa_mgf1_md")]
    private static partial int EvpPKeyCtxSetRsaMgf1Md(IntPtr ctx, IntPtr md);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_sha256")]
    private static partial IntPtr EvpSha256();

    [LibraryImport(LibCrypto, EntryPoint = "EVP_MD_fetch", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr EvpMdFetch(IntPtr libraryContext, string algorithm, IntPtr properties);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_Digest")]
    private static partial int EvpDigest(in byte data, nuint length, ref byte hash, ref uint hashLength, IntPtr md, IntPtr engine);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_sign")]
    private static partial int EvpPKeySign(IntPtr ctx, ref byte signature, ref nuint signatureLength, in byte hash, nuint hashLength);

    [LibraryImport(LibCrypto, EntryPoint = "EVP_PKEY_verify")]
    private static partial int EvpPKeyVerify(IntPtr ctx, in byte signature, nuint signatureLength, in byte hash, nuint hashLength);

    [LibraryImport(LibCrypto, EntryPoint = "ERR_clear_error")]
    private static partial void ErrClearError();
}
