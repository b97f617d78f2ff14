namespace Moderation.ServiceDefaults;

/// <summary>
/// How the Data Protection key ring is encrypted at rest: with an X.509 certificate from a PKCS#12 file or from the
/// machine's certificate store. Outside Development an unprotected key ring stops the app at start-up unless
/// <see cref="AllowUnprotectedKeys"/> says otherwise.
/// </summary>
public sealed class KeyProtectionOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file holding the certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Or: the thumbprint of a certificate in the current user's or the machine's "My" store.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>Earlier certificates (PKCS#12 files, same password) that still decrypt keys they protected, after a change of certificate.</summary>
    public string[] PreviousCertificatePaths { get; set; } = [];

    /// <summary>Start outside Development with keys stored unencrypted (a stolen backup then holds them): an explicit choice.</summary>
    public bool AllowUnprotectedKeys { get; set; }

    public bool Protected => !string.IsNullOrEmpty(CertificatePath) || !string.IsNullOrEmpty(CertificateThumbprint);
}
