using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Jobs;
using Npgsql;

namespace Moderation.AuthApi.Jobs;

/// <summary>
/// Hands the outbox's rows to Hangfire and deletes them; runs in workers only. It listens, on a session of its own, for
/// the notification each commit that wrote rows sends (<see cref="Outbox.Channel"/>), so a rollback is handed over
/// moments after its commit whichever replica took it. It also looks every <see cref="OutboxOptions.SweepSeconds"/>, for
/// rows no notification announced to it: committed while no worker listened (all stopped, or reconnecting), or left by a
/// worker that died handing them over. Rows are taken <c>FOR UPDATE SKIP LOCKED</c>, so two workers never hand over the
/// same row at once; a worker that dies between the hand-over and the delete leaves its rows to be handed over again, and
/// jobs are idempotent, so that does no harm.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, IBackgroundJobClient jobs, IConfiguration configuration,
    IOptions<OutboxOptions> options, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 100;

    /// <summary>Test hook: runs after rows are taken and before they are handed over (to stand for a failure there).</summary>
    internal Func<Task>? BeforeHandOver { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.SweepSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = await OwnSession.OpenAsync(DatabaseSetup.ConnectionString(configuration), stoppingToken);
                await listener.ExecuteAsync($"LISTEN {Outbox.Channel}", stoppingToken);
                while (true)
                {
                    // Everything committed before the LISTEN took effect, and each time a commit announces more or the sweep is due.
                    await HandOverAsync(stoppingToken);
                    await listener.WaitAsync(every, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or BackgroundJobClientException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The outbox dispatcher failed; it starts again in {Seconds} s.", every.TotalSeconds);
                await Task.Delay(every, stoppingToken);
            }
        }
    }

    /// <summary>Hands every row in the outbox that no other worker is handing over to Hangfire; returns how many.</summary>
    private async Task<int> HandOverAsync(CancellationToken ct)
    {
        var handed = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var rows = await db.OutboxJobs.FromSqlRaw(SqlNames.Statements<Statements>(db.Model).Next).AsNoTracking().ToListAsync(ct);
            if (rows.Count == 0)
            {
                return handed;
            }
            if (BeforeHandOver is { } hook)
            {
                await hook();
            }
            foreach (var row in rows)
            {
                Enqueue(row);
            }
            var ids = rows.Select(r => r.Id).ToList();
            await db.OutboxJobs.Where(j => ids.Contains(j.Id)).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            handed += rows.Count;
            logger.LogInformation("Handed {Count} jobs from the outbox to Hangfire.", rows.Count);
        }
    }

    private void Enqueue(OutboxJob row)
    {
        switch (row.Kind)
        {
            case Outbox.RollbackJobKind:
                jobs.Enqueue<IRollbackJob>(JobQueues.Rollbacks, job => job.RunAsync(row.Argument, CancellationToken.None));
                break;
            default:
                throw new InvalidOperationException($"Outbox job {row.Id} has an unknown kind '{row.Kind}'.");
        }
    }

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string Next { get; init; }

        public static Statements Build(SqlNames names)
        {
            var j = names.Table<OutboxJob>();
            // Another worker handing over at the same time skips the rows this one holds. Only kinds this build knows are
            // taken: a row a newer release wrote during a rolling upgrade waits for a worker of that release instead of
            // failing every batch it would be part of.
            var kinds = string.Join(", ", Outbox.Kinds.Select(k => $"'{k}'"));
            return new() { Next = $"SELECT * FROM {j} WHERE {j[x => x.Kind]} IN ({kinds}) ORDER BY {j[x => x.Id]} LIMIT {BatchSize} FOR UPDATE SKIP LOCKED" };
        }
    }
}
