namespace Moderation.AuthApi.Jobs;

/// <summary>The Hangfire queues, each served by a worker pool of its own.</summary>
public static class JobQueues
{
    public const string Critical = "critical";
    public const string Default = "default";
    public const string Rollbacks = "rollbacks";
}
