using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Finishes the move from names to HF ids for facts stored before it: the migration gave names it could not match to an
/// id a placeholder account ("legacy:" + name); this asks the Hub for each such name, at start-up and then every few
/// minutes while any remain, and moves the facts to the real account. A name the Hub no longer knows keeps its placeholder.
/// </summary>
public sealed class LegacyAccounts(IServiceScopeFactory scopes, HfUsers hub, ILogger<LegacyAccounts> logger) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ResolveAllAsync(stoppingToken) == 0)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HfUnavailableException or Npgsql.NpgsqlException or DbUpdateException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not yet match accounts stored by name to HF ids; trying again in {Minutes} minutes.", RetryEvery.TotalMinutes);
            }
            await Task.Delay(RetryEvery, stoppingToken);
        }
    }

    /// <returns>How many placeholder accounts remain.</returns>
    public async Task<int> ResolveAllAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
        var legacy = await db.HfUsers.AsNoTracking().Where(u => u.Id.StartsWith(HfUser.LegacyIdPrefix)).ToListAsync(ct);
        var remaining = 0;
        foreach (var placeholder in legacy)
        {
            if (await hub.FindAsync(placeholder.Username, ct) is { } account)
            {
                await MoveAsync(db, placeholder.Id, account, ct);
                logger.LogInformation("Facts stored for the name {Name} now belong to the HF account {Id}.", placeholder.Username, account.Id);
            }
            else
            {
                remaining++;
            }
        }
        return remaining;
    }

    private static async Task MoveAsync(ModerationDb db, string from, HfUserRef to, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync(SqlNames.Statements<Statements>(db.Model).Move, [
            NpgsqlCommands.Parameter("from", from), NpgsqlCommands.Parameter("to", to.Id), NpgsqlCommands.Parameter("to_name", to.Username),
        ], ct);
        await transaction.CommitAsync(ct);
    }

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string Move { get; init; }

        public static Statements Build(SqlNames names)
        {
            var u = names.Table<HfUser>();
            var a = names.Table<AllowlistEntry>();
            var m = names.Table<ExperimentMember>();
            var h = names.Table<ContributionHour>();
            var e = names.Table<LeaderboardEntry>();
            var contributor = h[x => x.Contributor];
            string Add(string column) => $"{column} = h.{column} + excluded.{column}";
            string Reassign<T>(SqlTable<T> table, System.Linq.Expressions.Expression<Func<T, object?>> user) where T : class =>
                $"UPDATE {table} SET {table[user]} = @to WHERE {table[user]} = @from;";
            // Rows the real account already has in the same experiment win over the placeholder's.
            string DropDuplicates<T>(SqlTable<T> table, System.Linq.Expressions.Expression<Func<T, object?>> experiment,
                System.Linq.Expressions.Expression<Func<T, object?>> user) where T : class => $"""
                DELETE FROM {table} a WHERE a.{table[user]} = @from
                    AND EXISTS (SELECT 1 FROM {table} b WHERE b.{table[experiment]} = a.{table[experiment]} AND b.{table[user]} = @to);
                """;
            var hourColumns = h.Columns(x => x.CreditedSamples, x => x.ClaimedSamples, x => x.RolledBackSamples, x => x.Reports,
                x => x.ClippedReports, x => x.LastSeen);
            return new()
            {
                Move = $"""
                    INSERT INTO {u} ({u.Columns(x => x.Id, x => x.Username, x => x.SeenAt)}) VALUES (@to, @to_name, now()) ON CONFLICT ({u[x => x.Id]}) DO NOTHING;
                    {DropDuplicates(a, x => x.ExperimentId, x => x.UserId)}
                    {DropDuplicates(m, x => x.ExperimentId, x => x.UserId)}
                    {Reassign(a, x => x.UserId)}
                    {Reassign(m, x => x.UserId)}
                    {Reassign(names.Table<Ban>(), x => x.UserId)}
                    {Reassign(names.Table<RevokedPeerKey>(), x => x.UserId)}
                    {Reassign(names.Table<ContributionReport>(), x => x.UserId)}
                    INSERT INTO {h} AS h ({h.Columns(x => x.ExperimentId, x => x.Contributor, x => x.Hour, x => x.Attributed)}, {hourColumns})
                    SELECT {h[x => x.ExperimentId]}, @to, {h[x => x.Hour]}, true, {hourColumns}
                    FROM {h} WHERE {contributor} = @from AND {h[x => x.Attributed]}
                    ON CONFLICT ({h.Columns(x => x.ExperimentId, x => x.Contributor, x => x.Hour)}) DO UPDATE SET
                        {Add(h[x => x.CreditedSamples])}, {Add(h[x => x.ClaimedSamples])}, {Add(h[x => x.RolledBackSamples])},
                        {Add(h[x => x.Reports])}, {Add(h[x => x.ClippedReports])},
                        {h[x => x.LastSeen]} = greatest(h.{h[x => x.LastSeen]}, excluded.{h[x => x.LastSeen]});
                    DELETE FROM {h} WHERE {contributor} = @from AND {h[x => x.Attributed]};
                    DELETE FROM {e} WHERE {e[x => x.Contributor]} = @from AND {e[x => x.Attributed]};
                    UPDATE {names.Table<LeaderboardState>()} SET {names.Table<LeaderboardState>()[x => x.BuiltAt]} = NULL;
                    DELETE FROM {u} WHERE {u[x => x.Id]} = @from;
                    """,
            };
        }
    }
}
