using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Jobs;

/// <summary>
/// The background jobs of an action, written as <see cref="OutboxJob"/> rows in the action's own transaction, so a
/// committed action can never lose its job, and no serving process needs Hangfire: a worker's
/// <see cref="OutboxDispatcher"/>, woken by the commit, hands them to Hangfire.
/// </summary>
public sealed class Outbox(TimeProvider clock)
{
    public const string RollbackJobKind = "rollback";

    /// <summary>Every kind this build writes and its workers hand over.</summary>
    public static readonly string[] Kinds = [RollbackJobKind];

    /// <summary>The channel the workers listen on; a NOTIFY is delivered when its transaction commits, and never if it rolls back.</summary>
    public const string Channel = "moderation_outbox";

    private const string Notify = $"NOTIFY {Channel}";

    /// <summary>Adds the rows of <paramref name="jobs"/> to <paramref name="db"/>'s transaction and wakes the workers when it commits.</summary>
    public async Task AddAsync(ModerationDb db, IReadOnlyCollection<(string Kind, long Argument)> jobs, CancellationToken ct)
    {
        if (jobs.Count == 0)
        {
            return;
        }
        db.OutboxJobs.AddRange(jobs.Select(j => Row(j.Kind, j.Argument)));
        await db.Database.ExecuteSqlRawAsync(Notify, ct);
    }

    private OutboxJob Row(string kind, long argument) => kind switch
    {
        RollbackJobKind => new OutboxJob { Kind = kind, Argument = argument, CreatedAt = clock.GetUtcNow() },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown job kind."),
    };
}
