using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Keys;

/// <summary>
/// Each experiment's signing keys: creates them, decrypts each once and keeps it in memory, rotates, and says which
/// public keys are published. Private keys are stored only encrypted with Data Protection.
/// </summary>
public sealed class KeyRing(IDataProtectionProvider protection, TimeProvider clock, IOptions<TokenOptions> options) : IDisposable
{
    private readonly IDataProtector _protector = protection.CreateProtector("Moderation.ExperimentKeys.v1");
    private readonly ConcurrentDictionary<string, Lazy<SigningKey>> _decrypted = new();
    private readonly ConcurrentDictionary<int, ActiveKid> _active = new();
    private readonly ConcurrentDictionary<int, PublishedKeys> _keySets = new();

    /// <summary>A fresh key for an experiment (not yet saved).</summary>
    public ExperimentKey NewKey(DateTimeOffset now)
    {
        using var rsa = RSA.Create(2048);
        return new ExperimentKey
        {
            Kid = Base64Url.Encode(RandomNumberGenerator.GetBytes(12)),
            PublicKey = OpenSshRsaKey.Format(rsa.ExportParameters(false)),
            ProtectedPrivateKey = Convert.ToBase64String(_protector.Protect(rsa.ExportPkcs8PrivateKey())),
            CreatedAt = now,
        };
    }

    /// <summary>The key new tokens are signed with; created on first use for experiments that have none.</summary>
    public async Task<SigningKey> ActiveAsync(ModerationDb db, int experimentId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_active.TryGetValue(experimentId, out var cached) && cached.CheckedAt.AddSeconds(options.Value.ActiveKeyCacheSeconds) > now
            && _decrypted.TryGetValue(cached.Kid, out var known))
        {
            return known.Value;
        }

        var entity = await db.ExperimentKeys.AsNoTracking().FirstOrDefaultAsync(k => k.ExperimentId == experimentId && k.RetiredAt == null, ct)
            ?? await CreateFirstKeyAsync(db, experimentId, ct);
        _active[experimentId] = new ActiveKid(entity.Kid, now);
        return Decrypted(entity);
    }

    /// <summary>Retires the active key (published until the last token it signed expires) and activates a new one.</summary>
    /// <param name="actor">Who asked (an owner's username, or the scheduler), for the audit log.</param>
    public async Task<(ExperimentKey Current, ExperimentKey? Retired)> RotateAsync(
        ModerationDb db, UnitOfWork work, Experiment experiment, string actor, CancellationToken ct)
    {
        var experimentId = experiment.Id;
        var now = clock.GetUtcNow();
        var current = NewKey(now);
        current.ExperimentId = experimentId;
        var old = await work.RunAsync(async action =>
        {
            var old = await db.ExperimentKeys
                .FromSqlRaw(SqlNames.Statements<Statements>(db.Model).CurrentForUpdate, NpgsqlCommands.Parameter("experiment", experimentId))
                .FirstOrDefaultAsync(ct);
            if (old is not null)
            {
                var lastExpiry = await db.IssuedTokens.Where(t => t.Kid == old.Kid).MaxAsync(t => (DateTimeOffset?)t.ExpiresAt, ct);
                old.RetiredAt = now;
                old.PublishedUntil = lastExpiry is { } last && last > now ? last : now;
                await db.SaveChangesAsync(ct);
            }
            db.ExperimentKeys.Add(current);
            action.Audit(new AuditRecord(experiment, actor, "keys.rotated", current.Kid,
                Before: old is null ? null : new { kid = old.Kid, published_until = old.PublishedUntil }, After: new { kid = current.Kid }));
            return old;
        }, ct);
        _active[experimentId] = new ActiveKid(current.Kid, now);
        _keySets.TryRemove(experimentId, out _);
        return (current, old);
    }

    /// <summary>Public keys peers must trust: the active key and retired keys whose tokens may still be live.</summary>
    public Task<List<ExperimentKey>> PublishedAsync(ModerationDb db, int experimentId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.ExperimentKeys.AsNoTracking()
            .Where(k => k.ExperimentId == experimentId && (k.RetiredAt == null || k.PublishedUntil > now))
            .OrderBy(k => k.RetiredAt != null).ThenByDescending(k => k.CreatedAt)
            .ToListAsync(ct);
    }

    /// <summary>
    /// The published keys, ready to verify with, for the server's own checks (introspection, peer tokens with DPoP):
    /// built once per set of published keys and rechecked at most every <see cref="TokenOptions.ActiveKeyCacheSeconds"/>.
    /// Shared: callers must not dispose it.
    /// </summary>
    public async Task<ExperimentKeySet> PublishedKeySetAsync(ModerationDb db, int experimentId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_keySets.TryGetValue(experimentId, out var cached) && cached.CheckedAt.AddSeconds(options.Value.ActiveKeyCacheSeconds) > now)
        {
            return cached.Keys;
        }
        var published = await PublishedAsync(db, experimentId, ct);
        var kids = string.Join(',', published.Select(k => k.Kid));
        // A set that is replaced is not disposed (requests may still be verifying with it): it is left to the GC, and
        // its OpenSSL contexts free themselves when it is collected (PssContextHandle).
        var keys = cached?.Kids == kids
            ? cached.Keys
            : ExperimentKeySet.FromJwks(Jwks(published));
        _keySets[experimentId] = new PublishedKeys(kids, keys, now);
        return keys;
    }

    /// <summary>The published public keys as an RFC 7517 key set.</summary>
    public async Task<JsonWebKeySet> PublishedJwksAsync(ModerationDb db, int experimentId, CancellationToken ct) =>
        Jwks(await PublishedAsync(db, experimentId, ct));

    private static JsonWebKeySet Jwks(IEnumerable<ExperimentKey> keys) =>
        new(keys.Select(k => JsonWebKey.FromRsa(k.Kid, OpenSshRsaKey.Parse(k.PublicKey).Parameters)).ToList());

    public SigningKey Decrypted(ExperimentKey entity) => _decrypted.GetOrAdd(entity.Kid, _ => new Lazy<SigningKey>(() =>
    {
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(_protector.Unprotect(Convert.FromBase64String(entity.ProtectedPrivateKey)), out int _);
        return new SigningKey(entity.Kid, rsa);
    })).Value;

    private async Task<ExperimentKey> CreateFirstKeyAsync(ModerationDb db, int experimentId, CancellationToken ct)
    {
        var key = NewKey(clock.GetUtcNow());
        key.ExperimentId = experimentId;
        db.ExperimentKeys.Add(key);
        try
        {
            await db.SaveChangesAsync(ct);
            return key;
        }
        catch (DbUpdateException)
        {
            // Another request created it first: use theirs.
            db.ChangeTracker.Clear();
            return await db.ExperimentKeys.AsNoTracking().FirstAsync(k => k.ExperimentId == experimentId && k.RetiredAt == null, ct);
        }
    }

    public void Dispose()
    {
        foreach (var key in _decrypted.Values.Where(k => k.IsValueCreated))
        {
            key.Value.Dispose();
        }
        foreach (var set in _keySets.Values)
        {
            set.Keys.Dispose();
        }
    }

    private sealed record ActiveKid(string Kid, DateTimeOffset CheckedAt);

    private sealed record PublishedKeys(string Kids, ExperimentKeySet Keys, DateTimeOffset CheckedAt);

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string CurrentForUpdate { get; init; }

        public static Statements Build(SqlNames names)
        {
            var k = names.Table<ExperimentKey>();
            return new() { CurrentForUpdate = $"SELECT * FROM {k} WHERE {k[x => x.ExperimentId]} = @experiment AND {k[x => x.RetiredAt]} IS NULL FOR UPDATE" };
        }
    }
}
