using System.Threading.Channels;
using Moderation.AuthApi.Data;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Join;

/// <summary>
/// Group commit for issued tokens: joins that arrive while a commit is under way are written together in the next
/// transaction (the cap on live keys per user, the peer key claims, then the tokens whose key is their user's), and each
/// join is answered only after
/// the commit that holds its token. One commit (one WAL flush) for many joins instead of two per join; nothing waits
/// for a batch to fill, so a lone join is written at once. <c>synchronous_commit</c> is untouched.
/// </summary>
public sealed class IssuedTokenWriter(IConfiguration configuration, IServiceScopeFactory scopes, ILogger<IssuedTokenWriter> log) : BackgroundService
{
    private const int MaxBatch = 256;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private string? _connectionString;
    private Statements? _sql;
    private int _largestBatch;
    private int _waiting;

    /// <summary>The most tokens one commit has held so far (for tests and the bench).</summary>
    public int LargestBatch => Volatile.Read(ref _largestBatch);

    /// <summary>Tokens queued or being written, not yet committed.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// Claims the token's peer key for its user unless someone owns it, and stores the token if the key is the user's, unless
    /// the token would take its user over <paramref name="keyCap"/> live peer keys in the experiment (<see cref="PeerKeyCap"/>).
    /// </summary>
    /// <returns>
    /// The key's owner once committed: the token's user when the token was stored; anyone else means it was not. Null:
    /// refused for the cap, nothing stored or claimed.
    /// </returns>
    public Task<string?> WriteAsync(IssuedToken token, int keyCap)
    {
        var pending = new Pending(token, keyCap, new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously));
        Interlocked.Increment(ref _waiting);
        if (!_queue.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _waiting);
            throw new OperationCanceledException("The service is stopping: no new tokens are written.");
        }
        return pending.Done.Task;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Whatever was queued is still written (and answered) before the host stops.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            try
            {
                await CommitAsync(batch);
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                // One bad row (say, its experiment was deleted a moment ago) must not fail the others: one by one.
                log.LogWarning(ex, "A group commit of {Count} tokens failed; writing them one at a time", batch.Count);
                foreach (var pending in batch)
                {
                    await CommitAsync([pending]);
                }
            }
            Interlocked.Add(ref _waiting, -batch.Count);
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            var (owners, overCap) = await WriteAsync(batch);
            foreach (var pending in batch)
            {
                pending.Done.TrySetResult(overCap.Contains(pending.Token) ? null : owners[pending.Token.PeerKeyFingerprint]);
            }
            if (batch.Count > _largestBatch)
            {
                Volatile.Write(ref _largestBatch, batch.Count);
            }
        }
        catch (Exception ex) when (batch.Count == 1)
        {
            batch[0].Done.TrySetException(ex);
        }
    }

    private async Task<(Dictionary<string, string> Owners, HashSet<IssuedToken> OverCap)> WriteAsync(List<Pending> batch)
    {
        // The same connection string as the DbContext's, so the same Npgsql pool.
        _connectionString ??= DatabaseSetup.ConnectionString(configuration);
        _sql ??= StatementsOfTheModel();
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        // Each key is claimed once per batch (two joins with one new key may arrive together); the first claimant wins,
        // as the first INSERT would have.
        var overCap = await PeerKeyCap.OverCapAsync(connection, transaction, _sql.CapCount, batch.Select(p => (p.Token, p.KeyCap)).ToList());
        var claims = batch.Select(p => p.Token).Where(t => !overCap.Contains(t)).DistinctBy(t => t.PeerKeyFingerprint).ToList();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var claim = new NpgsqlCommand(_sql.Claim, connection, transaction))
        {
            claim.Parameters.Add(NpgsqlCommands.Array(claims.Select(t => t.PeerKeyFingerprint), NpgsqlDbType.Text));
            claim.Parameters.Add(NpgsqlCommands.Array(claims.Select(t => t.UserId), NpgsqlDbType.Text));
            claim.Parameters.Add(NpgsqlCommands.Array(claims.Select(t => t.ExperimentId), NpgsqlDbType.Integer));
            claim.Parameters.Add(NpgsqlCommands.Array(claims.Select(t => t.IssuedAt), NpgsqlDbType.TimestampTz));
            await using var reader = await claim.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                owners[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var tokens = batch.Select(p => p.Token).Where(t => !overCap.Contains(t) && owners[t.PeerKeyFingerprint] == t.UserId).ToList();
        if (tokens.Count > 0)
        {
            await using var insert = new NpgsqlCommand(_sql.Insert, connection, transaction);
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.Id), NpgsqlDbType.Uuid));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.ExperimentId), NpgsqlDbType.Integer));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.Username), NpgsqlDbType.Text));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.UserId), NpgsqlDbType.Text));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.PeerKeyFingerprint), NpgsqlDbType.Text));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.PeerPublicKey), NpgsqlDbType.Text));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.Kid), NpgsqlDbType.Text));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.IssuedAt), NpgsqlDbType.TimestampTz));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.ExpiresAt), NpgsqlDbType.TimestampTz));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.HivemindSignature), NpgsqlDbType.Text));
            insert.Parameters.Add(NpgsqlCommands.Array(tokens.Select(t => t.Jwt), NpgsqlDbType.Text));
            await insert.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return (owners, overCap);
    }

    private Statements StatementsOfTheModel()
    {
        using var scope = scopes.CreateScope();
        return SqlNames.Statements<Statements>(scope.ServiceProvider.GetRequiredService<ModerationDb>().Model);
    }

    private sealed class Statements : ISqlStatements<Statements>
    {
        private Statements(SqlNames names)
        {
            var k = names.Table<PeerKey>();
            var t = names.Table<IssuedToken>();
            Claim = $"""
                INSERT INTO {k} ({k.Columns(x => x.Fingerprint, x => x.UserId, x => x.FirstExperimentId, x => x.ClaimedAt)})
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[])
                ON CONFLICT ({k[x => x.Fingerprint]}) DO UPDATE SET {k[x => x.Fingerprint]} = excluded.{k[x => x.Fingerprint]}
                RETURNING {k.Columns(x => x.Fingerprint, x => x.UserId)}
                """;
            Insert = $"""
                INSERT INTO {t} ({t.Columns(x => x.Id, x => x.ExperimentId, x => x.Username, x => x.UserId, x => x.PeerKeyFingerprint,
                                            x => x.PeerPublicKey, x => x.Kid, x => x.IssuedAt, x => x.ExpiresAt, x => x.HivemindSignature, x => x.Jwt)})
                SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                                     $9::timestamptz[], $10::text[], $11::text[])
                """;
            var live = $"{t[x => x.RevokedAt]} IS NULL AND {t[x => x.ExpiresAt]} > b.now";
            var ofUser = $"{t[x => x.ExperimentId]} = b.experiment_id AND {t[x => x.UserId]} = b.user_id";
            CapCount = $"""
                SELECT (SELECT count(DISTINCT {t[x => x.PeerKeyFingerprint]}) FROM {t} WHERE {ofUser} AND {live}),
                       EXISTS (SELECT FROM {t} WHERE {ofUser} AND {t[x => x.PeerKeyFingerprint]} = b.fingerprint AND {live})
                FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS b(experiment_id, user_id, fingerprint, now, n)
                ORDER BY b.n
                """;
        }

        public string Claim { get; }
        public string Insert { get; }
        public string CapCount { get; }

        public static Statements Build(SqlNames names) => new(names);
    }

    private sealed record Pending(IssuedToken Token, int KeyCap, TaskCompletionSource<string?> Done);
}
