using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.ServiceKeys;

/// <summary>Turns a service-key secret (<c>msk_…</c>) into a principal carrying its experiment and scopes, and records its use.</summary>
public sealed class ServiceKeyAuthenticator(ModerationDb db, TimeProvider clock)
{
    public const string SecretPrefix = "msk_";
    public const string KeyIdClaim = "service_key_id";
    public const string ExperimentClaim = "service_key_experiment";
    public const string ScopeClaim = "scope";
    public const string CheckpointsWrite = "checkpoints:write";
    public const string ContributionsWrite = "contributions:write";
    public static readonly string[] KnownScopes = [CheckpointsWrite, ContributionsWrite];

    public static bool LooksLikeServiceKey(string token) => token.StartsWith(SecretPrefix, StringComparison.Ordinal);

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <returns>The principal, or null when the key is unknown or revoked.</returns>
    public async Task<ClaimsPrincipal?> AuthenticateAsync(string secret, string scheme, CancellationToken ct)
    {
        var hash = Hash(secret);
        var key = await db.ServiceKeys.AsNoTracking().FirstOrDefaultAsync(k => k.SecretHash == hash && k.RevokedAt == null, ct);
        if (key is null)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            // Recorded at most once a minute per key: auxiliary peers may report many times a second.
            await db.ServiceKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }
        var claims = new List<Claim>
        {
            new(KeyIdClaim, key.Id.ToString()),
            new(ExperimentClaim, key.ExperimentId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, $"service-key:{key.Name}"),
        };
        claims.AddRange(key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(ScopeClaim, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}

public static class ServiceKeyPrincipal
{
    /// <summary>Whether <paramref name="principal"/> is a service key of <paramref name="experimentId"/> holding <paramref name="scope"/>.</summary>
    public static bool IsServiceKeyFor(this ClaimsPrincipal principal, int experimentId, string scope) =>
        principal.FindFirstValue(ServiceKeyAuthenticator.ExperimentClaim) == experimentId.ToString(System.Globalization.CultureInfo.InvariantCulture)
        && principal.HasClaim(ServiceKeyAuthenticator.ScopeClaim, scope);

    public static Guid? ServiceKeyId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ServiceKeyAuthenticator.KeyIdClaim), out var id) ? id : null;
}
