using System.Collections.Concurrent;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Join;

namespace Moderation.AuthApi.Revocations;

/// <summary>
/// The signed revocation list of each experiment, rebuilt only when it can have changed: when the revocation version
/// moved — as this replica knows it (<see cref="StandingVersion"/>: read at most a second before the request, and after
/// every change committed here), so a list served is never older than the version a second before it was asked for, even
/// by a replica that sat idle — or a minute after the last build, to drop expired entries (that rebuild holds nobody up:
/// meanwhile the list as it was is served). One rebuild at a time per experiment.
/// </summary>
public sealed class RevocationListCache(IServiceScopeFactory scopes, RevocationListBuilder builder, StandingVersion standing, TimeProvider clock)
{
    private static readonly TimeSpan RebuildEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    /// <returns>The document, or null when there is no such experiment.</returns>
    public async Task<RevocationDocument?> GetAsync(string org, string model)
    {
        var key = $"{org}/{model}";
        var version = await standing.CurrentAsync();
        var entry = _entries.GetOrAdd(key, _ => new Entry());
        while (true)
        {
            if (entry.State is { } current && current.Version >= version)
            {
                if (clock.GetUtcNow() - current.BuiltAt >= RebuildEvery)
                {
                    _ = Rebuild(entry, org, model, version);
                }
                if (current.Document is null)
                {
                    // Unknown names are not remembered: anyone may ask for any name.
                    _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                }
                return current.Document;
            }
            // Never built, or built before the version this request must see: wait for a build (one that started before
            // the version moved is followed by another).
            await Rebuild(entry, org, model, version);
        }
    }

    /// <summary>The version of each experiment's list as this instance last built it (for the metrics).</summary>
    public IEnumerable<(string Experiment, long Version)> ServedVersions() =>
        _entries.Select(e => (e.Key, e.Value.State?.Document?.List.Version)).Where(e => e.Item2 is not null).Select(e => (e.Key, e.Item2!.Value));

    private Task Rebuild(Entry entry, string org, string model, long version)
    {
        lock (entry)
        {
            if (entry.Rebuild is not { IsCompleted: false })
            {
                entry.Rebuild = Task.Run(() => RebuildAsync(entry, org, model, version));
            }
            return entry.Rebuild;
        }
    }

    private async Task RebuildAsync(Entry entry, string org, string model, long known)
    {
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var document = await builder.BuildAsync(scope.ServiceProvider.GetRequiredService<ModerationDb>(), org, model, now, CancellationToken.None);
        // The builder reads the version itself, after the one this build was started for.
        entry.State = new State(document, document?.List.Version ?? known, now);
    }

    private sealed class Entry
    {
        public volatile State? State;
        public Task? Rebuild;
    }

    private sealed record State(RevocationDocument? Document, long Version, DateTimeOffset BuiltAt);
}
