namespace Moderation.AuthApi.Jobs;

/// <summary>A job's time limit: the shutdown token Hangfire passes, cancelled also when <see cref="JobOptions.JobTimeout"/> has passed.</summary>
public static class JobDeadline
{
    public static CancellationTokenSource Start(JobOptions options, CancellationToken shutdown)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        deadline.CancelAfter(options.JobTimeout);
        return deadline;
    }
}
