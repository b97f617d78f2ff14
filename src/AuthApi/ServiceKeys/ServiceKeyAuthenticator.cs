using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;

namespace Moderation.AuthApi.ServiceKeys;

/// <summary>Turns a service-key secret (<c>msk_…</c>) into the key's experiment and scopes, and records its use.</summary>
public sealed class ServiceKeyAuthenticator(ModerationDb db, TimeProvider clock)
{
    public const string SecretPrefix = "msk_";
    public const string CheckpointsWrite = "checkpoints:write";
    public const string ContributionsWrite = "contributions:write";
    public const string InitialPeersWrite = "initial_peers:write";

    public static bool LooksLikeServiceKey(string token) => token.StartsWith(SecretPrefix, StringComparison.Ordinal);

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <returns>The key, or null when it is unknown or revoked.</returns>
    public async Task<ServiceKeyCaller?> AuthenticateAsync(string secret, CancellationToken ct)
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
        return new ServiceKeyCaller(key.Id, key.ExperimentId, key.Name, key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
