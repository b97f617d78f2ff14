using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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

public static class KeyProtection
{
    /// <summary>
    /// Encrypts the key ring with the configured certificate (which also decrypts, with any earlier ones). A missing or
    /// unreadable certificate, or none outside Development, stops the app at start-up with a message naming the setting.
    /// </summary>
    public static IDataProtectionBuilder ProtectKeysAsConfigured(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        builder.Services.AddOptions<KeyProtectionOptions>().BindConfiguration(KeyProtectionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KeyProtectionOptions>, Validator>();
        var settings = configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>() ?? new KeyProtectionOptions();
        if (new Validator(null).Validate(null, settings).Failed)
        {
            return builder; // the validator stops the start with its message
        }
        if (!string.IsNullOrEmpty(settings.CertificatePath))
        {
            builder.ProtectKeysWithCertificate(Load(settings.CertificatePath, settings.CertificatePassword));
        }
        else if (!string.IsNullOrEmpty(settings.CertificateThumbprint))
        {
            builder.ProtectKeysWithCertificate(settings.CertificateThumbprint);
        }
        if (settings.PreviousCertificatePaths.Length > 0)
        {
            builder.UnprotectKeysWithAnyCertificate(settings.PreviousCertificatePaths.Select(p => Load(p, settings.CertificatePassword)).ToArray());
        }
        return builder;
    }

    private static X509Certificate2 Load(string path, string? password) => X509CertificateLoader.LoadPkcs12FromFile(path, password,
        X509KeyStorageFlags.EphemeralKeySet);

    /// <summary>Start-up checks with messages that name the setting to change.</summary>
    /// <param name="environment">Null for the certificate checks alone.</param>
    private sealed class Validator(IHostEnvironment? environment) : IValidateOptions<KeyProtectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, KeyProtectionOptions options)
        {
            if (!options.Protected)
            {
                return environment is null || environment.IsLocal() || options.AllowUnprotectedKeys
                    ? ValidateOptionsResult.Success
                    : ValidateOptionsResult.Fail(
                        $"The Data Protection key ring would be stored unencrypted in the '{environment.EnvironmentName}' environment (a stolen " +
                        "database backup would then hold every key). " +
                        "Set DataProtection:CertificatePath (a .pfx file) and DataProtection:CertificatePassword, or " +
                        "DataProtection:CertificateThumbprint; or set DataProtection:AllowUnprotectedKeys=true to accept unencrypted keys.");
            }
            if (!string.IsNullOrEmpty(options.CertificatePath) && !string.IsNullOrEmpty(options.CertificateThumbprint))
            {
                return ValidateOptionsResult.Fail("Set DataProtection:CertificatePath or DataProtection:CertificateThumbprint, not both.");
            }
            foreach (var path in new[] { options.CertificatePath }.Concat(options.PreviousCertificatePaths).Where(p => !string.IsNullOrEmpty(p)))
            {
                try
                {
                    using var certificate = Load(path!, options.CertificatePassword);
                    if (!certificate.HasPrivateKey)
                    {
                        return ValidateOptionsResult.Fail($"DataProtection: the certificate in '{path}' has no private key.");
                    }
                }
                catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
                {
                    return ValidateOptionsResult.Fail(
                        $"DataProtection:CertificatePath '{path}' could not be read with DataProtection:CertificatePassword: {ex.Message}");
                }
            }
            return ValidateOptionsResult.Success;
        }
    }
}
