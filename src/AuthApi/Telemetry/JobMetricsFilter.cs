using System.Diagnostics;
using Hangfire.Server;

namespace Moderation.AuthApi.Telemetry;

/// <summary>Counts and times every background job this instance runs (a filter of this instance's Hangfire servers only).</summary>
public sealed class JobMetricsFilter(ModerationMetrics metrics) : IServerFilter
{
    private const string StartedKey = "moderation:started";

    public void OnPerforming(PerformingContext context) => context.Items[StartedKey] = Stopwatch.GetTimestamp();

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(StartedKey, out var started) && started is long timestamp)
        {
            var succeeded = context.Exception is null || context.ExceptionHandled;
            metrics.JobRun(Name(context.BackgroundJob.Job.Type), succeeded, Stopwatch.GetElapsedTime(timestamp));
        }
    }

    /// <summary>Jobs are stored by interface (<c>IBanExpiryJob</c>); the series is named for the job (<c>BanExpiryJob</c>).</summary>
    private static string Name(Type job) => job.IsInterface && job.Name.Length > 1 && job.Name[0] == 'I' ? job.Name[1..] : job.Name;
}
