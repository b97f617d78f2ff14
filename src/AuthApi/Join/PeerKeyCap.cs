using Moderation.AuthApi.Data;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Join;

/// <summary>
/// The cap on live peer keys per user and experiment (<c>max_peer_keys_per_user</c>), checked inside the group commit so
/// that concurrent joins cannot exceed it: the users of the batch are locked (across replicas too), then each token's
/// user is counted as committed plus the new keys admitted earlier in the same batch. A token for a key the user already
/// holds live is never refused. A refused token claims no key and is not stored.
/// </summary>
internal static class PeerKeyCap
{
    /// <param name="countSql">For each token (<c>unnest</c> of experiment ids, user ids, fingerprints, times): its user's
    /// live keys and whether this key is one of them (<c>IssuedTokenWriter</c>'s statements, named from the model).</param>
    /// <returns>The tokens of <paramref name="batch"/> that would take their user over the cap.</returns>
    public static async Task<HashSet<IssuedToken>> OverCapAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string countSql, IReadOnlyList<(IssuedToken Token, int Cap)> batch)
    {
        var users = batch.Select(p => $"{p.Token.ExperimentId}:{p.Token.UserId}").Distinct().Order(StringComparer.Ordinal).ToArray();
        await using var read = new NpgsqlBatch(connection, transaction);
        // The lock first, in a statement of its own: the count that follows then sees what the lock's last holder committed.
        read.BatchCommands.Add(new NpgsqlBatchCommand(AdvisoryLocks.PeerKeyCapUsers)
        {
            Parameters = { NpgsqlCommands.Array(users, NpgsqlDbType.Text) },
        });
        read.BatchCommands.Add(new NpgsqlBatchCommand(countSql)
        {
            Parameters =
            {
                NpgsqlCommands.Array(batch.Select(p => p.Token.ExperimentId), NpgsqlDbType.Integer),
                NpgsqlCommands.Array(batch.Select(p => p.Token.UserId), NpgsqlDbType.Text),
                NpgsqlCommands.Array(batch.Select(p => p.Token.PeerKeyFingerprint), NpgsqlDbType.Text),
                NpgsqlCommands.Array(batch.Select(p => p.Token.IssuedAt), NpgsqlDbType.TimestampTz),
            },
        });
        await using var reader = await read.ExecuteReaderAsync();
        await reader.NextResultAsync();
        var refused = new HashSet<IssuedToken>(ReferenceEqualityComparer.Instance);
        var admitted = new Dictionary<(int, string), HashSet<string>>();
        foreach (var (token, cap) in batch)
        {
            await reader.ReadAsync();
            var (live, held) = (reader.GetInt64(0), reader.GetBoolean(1));
            if (!admitted.TryGetValue((token.ExperimentId, token.UserId), out var added))
            {
                admitted[(token.ExperimentId, token.UserId)] = added = [];
            }
            if (held || added.Contains(token.PeerKeyFingerprint))
            {
                continue;
            }
            if (live + added.Count >= cap)
            {
                refused.Add(token);
            }
            else
            {
                added.Add(token.PeerKeyFingerprint);
            }
        }
        return refused;
    }
}
