namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>The ban lengths offered in one list; an exact end time, when typed, wins.</summary>
public static class BanDurations
{
    public static readonly (string Value, string Label)[] Choices =
        [("", "no end"), ("1h", "1 hour"), ("1d", "1 day"), ("7d", "7 days"), ("30d", "30 days")];

    /// <summary>When the ban ends (UTC), or null for a ban without end.</summary>
    public static DateTime? End(string? duration, DateTime? exact, DateTimeOffset now) => exact ?? (duration switch
    {
        "1h" => now.UtcDateTime.AddHours(1),
        "1d" => now.UtcDateTime.AddDays(1),
        "7d" => now.UtcDateTime.AddDays(7),
        "30d" => now.UtcDateTime.AddDays(30),
        _ => null,
    });
}
