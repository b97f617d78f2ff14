using System.ComponentModel.DataAnnotations;

namespace Moderation.AuthApi.Jobs;

/// <summary>
/// Hangfire's worker pools and time limits. Jobs run in three pools of their own so that none can starve another:
/// <c>critical</c> (ban expiry; one worker), <c>default</c> (leaderboard, key rotation) and <c>rollbacks</c> (which wait on the Hub).
/// </summary>
public sealed class JobOptions
{
    public const string Section = "Hangfire";

    /// <summary>Workers for the default queue (leaderboard, key rotation) per instance.</summary>
    [Range(1, 64)]
    public int WorkerCount { get; set; } = 4;

    /// <summary>Workers for rollbacks per instance: rollbacks waiting on a slow Hub hold only these.</summary>
    [Range(1, 64)]
    public int RollbackWorkerCount { get; set; } = 2;

    /// <summary>
    /// A job whose instance died (crash, SIGKILL, lost machine) is run by another instance after this long. Running jobs
    /// renew it every fifth of it, so it bounds the wait after a crash, not the length of a job.
    /// </summary>
    [Range(2, 3600)]
    public int InvisibilityTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How long a lock of Hangfire's own (its schedulers take one for a moment, every
    /// <see cref="SchedulePollingIntervalSeconds"/>) that an instance died holding holds the others up; Hangfire.PostgreSql's
    /// default is ten minutes, for which no recurring job (ban expiry among them) would be enqueued anywhere. The
    /// application's own jobs use locks that die with their session (<c>Data/SessionLock</c>), never these.
    /// </summary>
    [Range(1, 3600)]
    public int DistributedLockTimeoutSeconds { get; set; } = 30;

    /// <summary>How often each instance looks for recurring and delayed jobs that are due.</summary>
    [Range(1, 60)]
    public int SchedulePollingIntervalSeconds { get; set; } = 5;

    /// <summary>No job runs longer than this: it is cancelled (a rollback is then marked failed with the reason).</summary>
    [Range(10, 86400)]
    public int JobTimeoutSeconds { get; set; } = 900;

    /// <summary>
    /// When temporary bans whose time is up are lifted (cron; six fields for seconds). Every 30 s: a ban is lifted within
    /// about 36 s of its expiry, and within about 70 s when an instance dies running that job or holding the schedulers'
    /// lock.
    /// </summary>
    [Required]
    public string BanExpiryCron { get; set; } = "*/30 * * * * *";

    /// <summary>When rollbacks that no job will finish are failed, so that they can be retried (cron).</summary>
    [Required]
    public string RollbackSweepCron { get; set; } = "* * * * *";

    public TimeSpan JobTimeout => TimeSpan.FromSeconds(JobTimeoutSeconds);
}
