using Moderation.AuthApi.Data;
using Moderation.AuthApi.Revocations;

namespace Moderation.AuthApi.Join;

/// <summary>
/// The revocation version as this replica last read it, never more than a second old (by the service clock) and never
/// older than a change committed here: every ban, unban, revocation and allowlist removal moves it, so a token remembered
/// at one version may be handed out again only while the version is still that one. Joins that read the database
/// report the version they saw (<see cref="Observed"/>), so under load it is rarely read on its own; otherwise one tiny
/// query a second, shared by every request waiting for it.
/// </summary>
public sealed class StandingVersion(IServiceScopeFactory scopes, RevocationChanges changes, TimeProvider clock)
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private volatile Reading? _known;
    private Task<Reading>? _refresh;

    /// <summary>Taken just before a statement that reads the version, for <see cref="Observed"/>.</summary>
    public Mark Now() => new(changes.Generation, clock.GetUtcNow());

    /// <summary>A version read by a statement that started after <paramref name="before"/> was taken.</summary>
    public void Observed(Mark before, long version)
    {
        if (_known is not { } known || (before.Generation >= known.Mark.Generation && before.At >= known.Mark.At))
        {
            _known = new Reading(before, version);
        }
    }

    /// <summary>The version now: as last read when that was under a second ago and after this replica's last change, else read again.</summary>
    public async ValueTask<long> CurrentAsync()
    {
        var asked = Now();
        if (_known is { } known && known.IsFreshFor(asked))
        {
            return known.Version;
        }
        while (true)
        {
            // A read already under way may have started before this replica's last change: then one more.
            var reading = await Refresh();
            if (reading.IsFreshFor(asked))
            {
                return reading.Version;
            }
        }
    }

    private Task<Reading> Refresh()
    {
        lock (_lock)
        {
            if (_refresh is not { IsCompleted: false })
            {
                _refresh = Task.Run(ReadAsync);
            }
            return _refresh;
        }
    }

    private async Task<Reading> ReadAsync()
    {
        var before = Now();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
        var reading = new Reading(before, await db.CurrentRevocationVersionAsync(CancellationToken.None));
        _known = reading;
        return reading;
    }

    public readonly record struct Mark(long Generation, DateTimeOffset At);

    private sealed record Reading(Mark Mark, long Version)
    {
        public bool IsFreshFor(Mark asked) => Mark.Generation >= asked.Generation && asked.At - Mark.At < CheckEvery;
    }
}
