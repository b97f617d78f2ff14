using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Moderation.ServiceDefaults;

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
