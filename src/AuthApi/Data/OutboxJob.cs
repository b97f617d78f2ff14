namespace Moderation.AuthApi.Data;

/// <summary>
/// A background job to enqueue, written in the transaction of the action that needs it, so a committed action can never
/// lose its job: a worker's <c>OutboxDispatcher</c>, woken by the commit, hands the job to Hangfire and deletes the row.
/// </summary>
public sealed class OutboxJob
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    public long Argument { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
