using Hangfire;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Jobs;

/// <summary>
/// Hands committed <see cref="OutboxJob"/> rows to Hangfire and deletes them. A crash between the commit and the hand-over
/// leaves the row, which <see cref="OutboxDispatcher"/> hands over later; jobs are idempotent, so handing one over twice
/// does no harm.
/// </summary>
public sealed class Outbox(IBackgroundJobClient jobs, IServiceScopeFactory scopes, TimeProvider clock)
{
    public const string RollbackJobKind = "rollback";

    /// <summary>Test hook: runs after an action's commit and before its jobs are handed over (to stand for a crash there).</summary>
    internal Func<Task>? BeforeDispatch { get; set; }

    public OutboxJob Row(string kind, long argument) => kind switch
    {
        RollbackJobKind => new OutboxJob { Kind = kind, Argument = argument, CreatedAt = clock.GetUtcNow() },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown job kind."),
    };

    /// <summary>Enqueues the rows of an action just committed, then deletes them.</summary>
    public async Task DispatchAsync(IReadOnlyList<OutboxJob> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (BeforeDispatch is { } hook)
        {
            await hook();
        }
        foreach (var row in rows)
        {
            Enqueue(row);
        }
        await using var scope = scopes.CreateAsyncScope();
        var ids = rows.Select(r => r.Id).ToList();
        await scope.ServiceProvider.GetRequiredService<ModerationDb>().OutboxJobs.Where(j => ids.Contains(j.Id)).ExecuteDeleteAsync(ct);
    }

    /// <summary>Hands over rows older than <paramref name="age"/> that nobody handed over (their action's process died first).</summary>
    public async Task<int> DispatchLeftoversAsync(ModerationDb db, TimeSpan age, CancellationToken ct)
    {
        var before = clock.GetUtcNow() - age;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var rows = await db.OutboxJobs.FromSqlRaw(SqlNames.Statements<Statements>(db.Model).Leftovers, NpgsqlCommands.Parameter("before", before))
            .AsNoTracking().ToListAsync(ct);
        foreach (var row in rows)
        {
            Enqueue(row);
        }
        var ids = rows.Select(r => r.Id).ToList();
        await db.OutboxJobs.Where(j => ids.Contains(j.Id)).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return rows.Count;
    }

    private void Enqueue(OutboxJob row)
    {
        switch (row.Kind)
        {
            case RollbackJobKind:
                jobs.Enqueue<IRollbackJob>(JobQueues.Rollbacks, job => job.RunAsync(row.Argument, CancellationToken.None));
                break;
            default:
                throw new InvalidOperationException($"Outbox job {row.Id} has an unknown kind '{row.Kind}'.");
        }
    }

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string Leftovers { get; init; }

        public static Statements Build(SqlNames names)
        {
            var j = names.Table<OutboxJob>();
            // Another instance handing over leftovers at the same time skips the rows this one holds.
            return new() { Leftovers = $"SELECT * FROM {j} WHERE {j[x => x.CreatedAt]} < @before ORDER BY {j[x => x.Id]} LIMIT 100 FOR UPDATE SKIP LOCKED" };
        }
    }
}
