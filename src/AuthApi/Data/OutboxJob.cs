namespace Moderation.AuthApi.Data;

/// <summary>
/// A background job to enqueue, written in the transaction of the action that needs it, so a committed action can never
/// lose its job: after the commit the job is handed to Hangfire and the row deleted; rows a crash left behind are
/// dispatched by <c>OutboxDispatcher</c>.
/// </summary>
public sealed class OutboxJob
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    public long Argument { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
