namespace Moderation.AuthApi.Contributions;

/// <summary>What one chunk adds to a contributor's hour in an experiment (written to <c>contribution_hours</c>).</summary>
internal sealed class HourTotals
{
    public bool Attributed;
    public long Credited;
    public long Claimed;
    public long RolledBack;
    public int Reports;
    public int Clipped;
    public DateTimeOffset LastSeen;

    /// <summary>The chunk's credited rows summed by experiment, contributor (user, else peer key) and hour.</summary>
    public static Dictionary<Key, HourTotals> Of(List<ChunkRow> rows)
    {
        var hours = new Dictionary<Key, HourTotals>();
        foreach (var row in rows)
        {
            var hour = new DateTimeOffset(row.Time.UtcTicks - row.Time.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
            var key = new Key(row.ExperimentId, row.UserId ?? row.Fingerprint, hour);
            if (!hours.TryGetValue(key, out var totals))
            {
                hours[key] = totals = new HourTotals { Attributed = row.UserId is not null, LastSeen = row.Time };
            }
            totals.Claimed += row.Samples;
            if (row.RolledBack)
            {
                totals.RolledBack += row.Credited;
            }
            else
            {
                totals.Credited += row.Credited;
                totals.Reports++;
                totals.Clipped += row.Clipped ? 1 : 0;
            }
            if (row.Time > totals.LastSeen)
            {
                totals.LastSeen = row.Time;
            }
        }
        return hours;
    }

    public readonly record struct Key(int ExperimentId, string Contributor, DateTimeOffset Hour);
}
