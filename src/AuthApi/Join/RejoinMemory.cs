using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;

namespace Moderation.AuthApi.Join;

/// <summary>
/// Re-joins answered from memory: a token handed out again for (user, key, experiment) is remembered with the
/// revocation version and the allowlist entry its access decision saw, and handed out once more without the database
/// while it is still fresh, signed by the active key, for the same username, the version has not moved (a ban, unban,
/// revocation or allowlist removal anywhere moves it: <see cref="StandingVersion"/>, at most a second behind another
/// replica) and the rules that need no database (roles, policy, org membership) still admit the user. A token is
/// remembered once it has been handed out again, not when first signed: joins with fresh keys fill no memory.
/// </summary>
public sealed class RejoinMemory(StandingVersion standing, JoinAccess access, TimeProvider clock, IOptions<TokenOptions> options)
    : IDisposable
{
    private readonly MemoryCache _tokens = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.RejoinMemoryEntries) });
    private long _served;

    public void Dispose() => _tokens.Dispose();

    /// <summary>Re-joins answered from memory so far (for tests and the bench).</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>The start of the window in which a token is still handed out again: it must expire after this.</summary>
    public DateTimeOffset FreshUntil(Experiment experiment) =>
        clock.GetUtcNow() + TimeSpan.FromMinutes(experiment.TokenLifetimeMinutes) * options.Value.ReuseWhileRemaining;

    public async ValueTask<IssuedPeerToken?> FindAsync(Experiment experiment, Caller caller, string fingerprint, string activeKid, bool wantJwt)
    {
        if (options.Value.RejoinMemoryEntries == 0 || !_tokens.TryGetValue(Key(experiment.Id, caller.User.Id, fingerprint), out Remembered? remembered))
        {
            return null;
        }
        var record = remembered!.Token.Record;
        if (record.Username != caller.User.Username || record.Kid != activeKid || record.ExpiresAt <= FreshUntil(experiment)
            || (wantJwt && record.Jwt is null)
            || (!remembered.Allowlisted && !access.Admits(experiment, caller.User, caller.IsGlobalAdmin))
            || await standing.CurrentAsync() != remembered.Version)
        {
            return null;
        }
        Interlocked.Increment(ref _served);
        return remembered.Token;
    }

    /// <param name="version">The revocation version read by the statement that found the token and the user's standing.</param>
    public void Remember(Experiment experiment, IssuedPeerToken token, long version, bool allowlisted)
    {
        if (options.Value.RejoinMemoryEntries == 0)
        {
            return;
        }
        var record = token.Record;
        var freshFor = record.ExpiresAt - FreshUntil(experiment);
        if (freshFor > TimeSpan.Zero)
        {
            _tokens.Set(Key(experiment.Id, record.UserId, record.PeerKeyFingerprint), new Remembered(token, version, allowlisted),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = freshFor });
        }
    }

    private static (int, string, string) Key(int experimentId, string userId, string fingerprint) => (experimentId, userId, fingerprint);

    private sealed record Remembered(IssuedPeerToken Token, long Version, bool Allowlisted);
}
