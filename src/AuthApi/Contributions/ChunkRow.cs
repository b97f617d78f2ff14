namespace Moderation.AuthApi.Contributions;

/// <summary>A report as the leaderboard job reads it, and what the job decides for it.</summary>
internal sealed class ChunkRow
{
    public long Id;
    public int ExperimentId;
    public required string Fingerprint;
    public long Step;
    public long Samples;
    public double SamplesPerSecond;
    public DateTimeOffset Time;
    public DateTimeOffset ReceivedAt;
    public bool WasRolledBack;
    public bool RolledBack;
    public string? UserId;
    public TimeSpan WorkTime;
    public TimeSpan Granted;
    public long Credited;
    public bool Clipped;
}
