using Moderation.Contracts.Contributions;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// Clipped reports per time bucket, from a little before the first (at least half an hour, so the quiet time before the
/// attack shows) to now, in buckets small enough that an attack of minutes is not one solid bar.
/// </summary>
public sealed class IncidentTimeline
{
    public sealed record Bucket(DateTimeOffset Start, int Reports);

    /// <summary>Bucket sizes, the smallest that keeps the timeline under <see cref="MaxBuckets"/> bars.</summary>
    private static readonly TimeSpan[] BucketSizes =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1)];

    private const int MaxBuckets = 72;

    public IReadOnlyList<Bucket> Buckets { get; }
    public TimeSpan BucketSize { get; }

    public IncidentTimeline(IReadOnlyCollection<ContributionReportResponse> reports, DateTimeOffset now)
    {
        BucketSize = TimeSpan.FromHours(1);
        if (reports.Count == 0)
        {
            Buckets = [];
            return;
        }
        var first = reports.Min(r => r.Time);
        var last = Max(reports.Max(r => r.Time), now);
        var from = first - Max(TimeSpan.FromMinutes(30), (last - first) / 4);
        BucketSize = BucketSizes.FirstOrDefault(b => (last - from).Ticks / b.Ticks < MaxBuckets, BucketSizes[^1]);
        var start = new DateTimeOffset(from.UtcTicks - from.UtcTicks % BucketSize.Ticks, TimeSpan.Zero);
        var counts = new int[(int)((last - start).Ticks / BucketSize.Ticks) + 1];
        foreach (var r in reports)
        {
            counts[Math.Clamp((int)((r.Time - start).Ticks / BucketSize.Ticks), 0, counts.Length - 1)]++;
        }
        Buckets = counts.Select((n, i) => new Bucket(start + BucketSize * i, n)).ToList();
    }

    public DateTimeOffset Start => Buckets[0].Start;
    public DateTimeOffset End => Buckets[^1].Start + BucketSize;

    /// <summary>Where on the timeline (0 to 1) a moment falls, or null outside it.</summary>
    public double? Position(DateTimeOffset at) =>
        Buckets.Count == 0 || at < Start || at > End ? null : (at - Start) / (End - Start);

    /// <summary>"per minute", "per 5 minutes", "per hour"…</summary>
    public string Words => BucketSize.TotalMinutes switch
    {
        1 => "per minute",
        < 60 => $"per {BucketSize.TotalMinutes} minutes",
        60 => "per hour",
        < 1440 => $"per {BucketSize.TotalHours} hours",
        _ => "per day",
    };

    private static T Max<T>(T a, T b) where T : IComparable<T> => a.CompareTo(b) >= 0 ? a : b;
}
