using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.Contracts.Join;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Production;

/// <summary>
/// Outside Development the apps refuse unsafe settings at start-up with a message naming the setting: an unencrypted key
/// ring, no token issuer. With a certificate the key ring is stored encrypted and read back by another instance.
/// </summary>
public sealed class ProductionSettingsTests(AuthApiFactory shared) : IClassFixture<AuthApiFactory>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("moderation-cert-").FullName;

    [Fact]
    public async Task AuthApiRefusesToStartInProductionWithUnprotectedKeys()
    {
        await using var api = await Instance.StartAsync(shared, "Production", ("Tokens:Issuer", "https://auth.example.org"));
        var error = Assert.Throws<OptionsValidationException>(() => api.CreateClient());
        Assert.Contains("DataProtection:CertificatePath", error.Message, StringComparison.Ordinal);
        Assert.Contains("DataProtection:AllowUnprotectedKeys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthApiRefusesToStartOutsideDevelopmentWithoutAnIssuer()
    {
        await using var api = await Instance.StartAsync(shared, "Staging", ("DataProtection:AllowUnprotectedKeys", "true"));
        var error = Assert.Throws<OptionsValidationException>(() => api.CreateClient());
        Assert.Contains("Tokens:Issuer must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModeratorUiRefusesToStartInProductionWithUnprotectedKeys()
    {
        using var ui = new ModeratorUiFactory(shared, "http://127.0.0.1:1", configure: b => b.UseEnvironment("Production"));
        var error = Assert.Throws<OptionsValidationException>(() => ui.CreateClient());
        Assert.Contains("DataProtection:AllowUnprotectedKeys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongCertificatePasswordIsNamedAtStartUp()
    {
        var path = WriteCertificate("right");
        await using var api = await Instance.StartAsync(shared, "Production", ("Tokens:Issuer", "https://auth.example.org"),
            ("DataProtection:CertificatePath", path), ("DataProtection:CertificatePassword", "wrong"));
        var error = Assert.ThrowsAny<Exception>(() => api.CreateClient());
        Assert.Contains("DataProtection:CertificatePassword", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysAreStoredEncryptedWithTheCertificateAndReadByAnotherInstance()
    {
        var database = await shared.Cluster.CreateDatabaseAsync("moderation_cert");
        var path = WriteCertificate("s3cret");
        (string, string)[] settings = [("Tokens:Issuer", "https://auth.example.org"), ("ConnectionStrings:Moderation", database),
            ("DataProtection:CertificatePath", path), ("DataProtection:CertificatePassword", "s3cret")];
        string url;
        await using (var first = await Instance.StartAsync(shared, "Production", settings))
        {
            var experiment = await first.CreateExperimentAsync();
            url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
            Assert.NotNull((await first.JoinAsync(url, "alice")).Token);
            var stored = await first.QueryDbAsync(db => db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync());
            Assert.NotEmpty(stored);
            Assert.All(stored, xml =>
            {
                Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            });
        }
        // Another instance decrypts the key ring, and with it the experiment's signing key.
        await using var second = await Instance.StartAsync(shared, "Production", settings);
        var joined = await second.JoinAsync(url, "bob");
        Assert.Equal("https://auth.example.org", PeerJwtIssuer(joined));
    }

    private static string? PeerJwtIssuer(JoinResponse joined)
    {
        var payload = joined.Token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = Convert.FromBase64String(payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '='));
        return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("iss").GetString();
    }

    private string WriteCertificate(string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=moderation-data-protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_dir, $"dp-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>AuthApi in <paramref name="environment"/> on the shared factory's database and Hub emulator.</summary>
    private sealed class Instance(AuthApiFactory sharedWith, string environment, params (string Key, string Value)[] settings) : AuthApiFactory(sharedWith)
    {
        public static async Task<Instance> StartAsync(AuthApiFactory sharedWith, string environment, params (string Key, string Value)[] settings)
        {
            var instance = new Instance(sharedWith, environment, settings);
            await instance.InitializeAsync();
            return instance;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(environment);
            builder.UseSetting("Logging:LogLevel:Default", "None");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
