using System.Collections.Concurrent;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Revocations;

/// <summary>
/// The signed revocation list of each experiment, rebuilt only when it can have changed: when the revocation version
/// moved (checked at most once a second, one tiny query), after a change committed on this replica (at once), or a
/// minute after the last build (to drop expired entries). One rebuild at a time per experiment; while a periodic check
/// runs, other requests get the list as it was.
/// </summary>
public sealed class RevocationListCache(IServiceScopeFactory scopes, RevocationListBuilder builder, RevocationChanges changes, TimeProvider clock)
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RebuildEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    /// <returns>The document, or null when there is no such experiment.</returns>
    public async Task<RevocationDocument?> GetAsync(string org, string model)
    {
        var key = $"{org}/{model}";
        var entry = _entries.GetOrAdd(key, _ => new Entry());
        var generation = changes.Generation;
        while (true)
        {
            var current = entry.State;
            if (current is not null && current.Generation >= generation)
            {
                if (clock.GetUtcNow() - current.CheckedAt >= CheckEvery)
                {
                    // A periodic check need not hold anyone up: this request gets the list as it was.
                    _ = Refresh(entry, org, model);
                }
                if (current.Document is null)
                {
                    // Unknown names are not remembered: anyone may ask for any name.
                    _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                }
                return current.Document;
            }
            // Never built, or a change was committed here since: wait for a refresh that started after it.
            await Refresh(entry, org, model);
        }
    }

    private Task Refresh(Entry entry, string org, string model)
    {
        lock (entry)
        {
            if (entry.Refresh is not { IsCompleted: false })
            {
                entry.Refresh = Task.Run(() => RefreshAsync(entry, org, model));
            }
            return entry.Refresh;
        }
    }

    private async Task RefreshAsync(Entry entry, string org, string model)
    {
        var generation = changes.Generation;
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
        var previous = entry.State;
        var version = await db.CurrentRevocationVersionAsync(CancellationToken.None);
        var unchanged = previous?.Document is { } known && known.List.Version == version && previous.Generation == generation
                        && now - previous.BuiltAt < RebuildEvery;
        var document = unchanged
            ? previous!.Document
            : await builder.BuildAsync(db, org, model, now, CancellationToken.None);
        entry.State = new State(document, generation, now, unchanged ? previous!.BuiltAt : now);
    }

    private sealed class Entry
    {
        public volatile State? State;
        public Task? Refresh;
    }

    private sealed record State(RevocationDocument? Document, long Generation, DateTimeOffset CheckedAt, DateTimeOffset BuiltAt);
}
