using System.Globalization;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.ModeratorUi;

/// <summary>The words the console uses for the API's values: one vocabulary everywhere, never an enum name.</summary>
public static class Words
{
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static string When(DateTimeOffset? at, string none) => at is { } value ? When(value) : none;

    /// <summary>How long ago, roughly: "5 minutes ago", "3 days ago".</summary>
    public static string Age(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? Plural((long)age.TotalMinutes, "minute", "minutes") + " ago"
            : age.TotalDays < 1 ? Plural((long)age.TotalHours, "hour", "hours") + " ago"
            : Plural((long)age.TotalDays, "day", "days") + " ago";
    }

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Policy(AccessPolicy policy) => policy switch
    {
        AccessPolicy.Open => "anyone signed in",
        AccessPolicy.OrgMembers => "members of the organization, and the allowlist",
        _ => "the allowlist only",
    };

    public static string Role(ExperimentRole role) => role switch
    {
        ExperimentRole.Owner => "owner",
        ExperimentRole.Moderator => "moderator",
        _ => "participant",
    };

    /// <summary>The participant's state: not requested, pending, admitted, rejected or banned (the API says <c>none</c> for the first).</summary>
    public static string Membership(string status) => status switch
    {
        "none" => "not requested",
        "admitted" or "pending" or "rejected" or "banned" => status,
        _ => status.Replace('_', ' '),
    };

    /// <summary>The badge colour of a participant's state.</summary>
    public static string MembershipBadge(string status) => status switch
    {
        "admitted" => "badge-ok",
        "pending" => "badge-warn",
        "rejected" or "banned" => "badge-danger",
        _ => "",
    };

    public static string Import(ImportOutcome outcome) => outcome switch
    {
        ImportOutcome.Added => "added",
        ImportOutcome.AlreadyPresent => "already on the allowlist",
        ImportOutcome.UnknownUser => "no such Hugging Face user",
        ImportOutcome.NotChecked => "not checked yet: import it again later",
        _ => "not a valid Hugging Face username",
    };

    public static string Flag(string flag) => flag switch
    {
        "clipped" => "clipped",
        "rolled_back" => "rolled back",
        "unattributed" => "unknown owner",
        "banned" => "banned",
        _ => flag.Replace('_', ' '),
    };

    public static string CheckpointStatus(string status) => status switch
    {
        "active" => "available",
        "superseded" => "superseded by a rollback",
        "quarantined" => "quarantined",
        _ => status,
    };

    /// <summary>Who sent a contribution report: a service key by name when known, else a short id; or a peer itself.</summary>
    public static string Reporter(string reportedBy, IReadOnlyDictionary<Guid, string> keyNames)
    {
        if (reportedBy.StartsWith("service-key:", StringComparison.Ordinal))
        {
            var id = reportedBy["service-key:".Length..];
            return Guid.TryParse(id, out var key) && keyNames.TryGetValue(key, out var name)
                ? $"service key “{name}”"
                : $"service key {id[..Math.Min(8, id.Length)]}…";
        }
        return reportedBy.StartsWith("peer:", StringComparison.Ordinal) ? $"the peer itself ({reportedBy["peer:".Length..]})" : reportedBy;
    }

    public static string Plural(long count, string one, string many) => $"{Number(count)} {(count == 1 ? one : many)}";
}
