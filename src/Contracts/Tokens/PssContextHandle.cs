using System.Runtime.InteropServices;

namespace Moderation.Contracts.Tokens;

/// <summary>
/// An OpenSSL verify context (<see cref="RsaPss.NewVerifyContext"/>), freed when disposed or, if its
/// <see cref="PssVerifier"/> is dropped without being disposed (a key set replaced while requests may still use it),
/// when it is collected. The context holds its own reference to its key, so the order in which the two are freed does
/// not matter.
/// </summary>
internal sealed class PssContextHandle : SafeHandle
{
    public PssContextHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal PssContextHandle(IntPtr context)
        : this() => SetHandle(context);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        RsaPss.FreeContext(handle);
        return true;
    }
}
