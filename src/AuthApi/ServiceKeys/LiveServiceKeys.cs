using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.ServiceKeys;

/// <summary>
/// Which service-key secrets (by hash) are live, known to this replica from the database at most a few seconds ago.
/// Asked only when a client address has spent its budget for unknown credentials: a valid key sent from behind the same
/// NAT as someone's junk keys is still checked (it does not pay for the junk), while junk keys keep costing nothing —
/// however many arrive, the set is read at most once per <see cref="RefreshEvery"/>.
/// </summary>
public sealed class LiveServiceKeys(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile ConcurrentDictionary<string, bool> _hashes = new(StringComparer.Ordinal);
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    /// <summary>After a key authenticated: remember it until the next refresh says otherwise.</summary>
    public void Seen(string hash) => _hashes[hash] = true;

    /// <summary>Whether <paramref name="hash"/> is a live key's, as far as this replica knows (a revoked key may still say yes: the database check refuses it).</summary>
    public async Task<bool> IsLiveAsync(string hash, CancellationToken ct)
    {
        if (_hashes.ContainsKey(hash) || clock.GetUtcNow() - _readAt < RefreshEvery)
        {
            return _hashes.ContainsKey(hash);
        }
        await _refresh.WaitAsync(ct);
        try
        {
            if (clock.GetUtcNow() - _readAt >= RefreshEvery)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
                var live = await db.ServiceKeys.AsNoTracking().Where(k => k.RevokedAt == null).Select(k => k.SecretHash).ToListAsync(ct);
                _hashes = new ConcurrentDictionary<string, bool>(live.Select(h => KeyValuePair.Create(h, true)), StringComparer.Ordinal);
                _readAt = clock.GetUtcNow();
            }
        }
        finally
        {
            _refresh.Release();
        }
        return _hashes.ContainsKey(hash);
    }

    public void Dispose() => _refresh.Dispose();
}
