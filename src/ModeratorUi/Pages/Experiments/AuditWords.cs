using System.Text.Json;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>The audit log in words: what each action is called, and a before/after change as a list of changed fields.</summary>
public static class AuditWords
{
    /// <summary>Every action the API records for an experiment, with what people call it.</summary>
    public static readonly IReadOnlyList<(string Action, string Label)> Actions =
    [
        ("ban.created", "user banned"), ("ban.lifted", "ban lifted"), ("ban.expired", "ban expired"),
        ("peer.revoked", "peer revoked"),
        ("join_request.approved", "join request approved"), ("join_request.rejected", "join request rejected"),
        ("allowlist.added", "added to the allowlist"), ("allowlist.removed", "removed from the allowlist"), ("allowlist.imported", "allowlist imported"),
        ("rollback.requested", "rollback requested"), ("rollback.succeeded", "rollback succeeded"), ("rollback.failed", "rollback failed"),
        ("rollback.retried", "rollback retried"), ("checkpoint.quarantined", "checkpoint quarantined"),
        ("peer_key.claim_refused", "someone else's peer key refused"),
        ("experiment.created", "experiment created"), ("experiment.updated", "settings changed"), ("experiment.deleted", "experiment deleted"),
        ("experiment.moved", "experiment renamed"),
        ("moderator.granted", "moderator granted"), ("moderator.removed", "moderator removed"),
        ("owner.granted", "owner granted"), ("owner.removed", "owner grant revoked"), ("keys.rotated", "signing key rotated"),
        ("service_key.created", "service key created"), ("service_key.revoked", "service key revoked"),
    ];

    public static string Label(string action) =>
        Actions.FirstOrDefault(a => a.Action == action).Label ?? action.Replace('_', ' ').Replace('.', ' ');

    /// <summary>One changed field: its name in words, the value before (null if new) and after (null if gone).</summary>
    public sealed record Change(string Field, string? Before, string? After);

    /// <summary>What the API's field names mean; a field not listed is shown with spaces for its underscores.</summary>
    private static readonly Dictionary<string, string> FieldWords = new(StringComparer.Ordinal)
    {
        ["token_lifetime_minutes"] = "peer token lifetime (minutes)", ["access_policy"] = "who may join", ["leaderboard_visible"] = "public leaderboard",
        ["coordinator_ip"] = "coordinator IP", ["coordinator_port"] = "coordinator port", ["max_peer_keys_per_user"] = "peer keys per user",
        ["allowed_checkpoint_repositories"] = "allowed repositories", ["user_id"] = "Hugging Face user id", ["request_id"] = "join request",
        ["rollback_id"] = "rollback", ["contributions_marked"] = "reports marked rolled back", ["superseded"] = "checkpoints superseded",
        ["earlier_error"] = "earlier error", ["already_present"] = "already on the allowlist", ["unknown"] = "unknown on Hugging Face",
        ["invalid"] = "not a username", ["added"] = "added", ["by"] = "how",
    };

    /// <summary>Fields every change has and no reader needs: the entry's own time says when.</summary>
    private static readonly HashSet<string> Hidden = new(StringComparer.Ordinal) { "updated_at", "created_at" };

    public static string FieldLabel(string field) => FieldWords.GetValueOrDefault(field) ?? field.Replace('_', ' ');

    /// <summary>The fields that differ between two JSON documents (objects field by field; anything else as a whole).</summary>
    public static IReadOnlyList<Change> Diff(string? before, string? after)
    {
        var b = Parse(before);
        var a = Parse(after);
        if (b is null && a is null)
        {
            return [];
        }
        if (b is { } bo && bo.ValueKind != JsonValueKind.Object || a is { } ao && ao.ValueKind != JsonValueKind.Object)
        {
            return [new Change("value", Text(b), Text(a))];
        }
        var fields = new List<string>();
        foreach (var doc in new[] { b, a })
        {
            if (doc is { } d)
            {
                fields.AddRange(d.EnumerateObject().Select(p => p.Name).Where(n => !fields.Contains(n)));
            }
        }
        return fields
            .Where(f => !Hidden.Contains(f))
            .Select(f => new Change(FieldLabel(f), Field(b, f), Field(a, f)))
            .Where(c => c.Before != c.After)
            .ToList();
    }

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonDocument.Parse(JsonSerializer.Serialize(json)).RootElement.Clone();
        }
    }

    /// <summary>An ISO 8601 time as the console writes times; anything else, and snake_case values, in words.</summary>
    private static string? Readable(string? value) =>
        value is { Length: >= 19 } && value[4] == '-' && value[10] == 'T'
            && DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? ModeratorUi.Words.When(at)
            : value is { } v && v.Length < 40 && v.All(c => char.IsAsciiLetterLower(c) || c == '_') ? v.Replace('_', ' ') : value;

    private static string? Field(JsonElement? doc, string name) =>
        doc is { } d && d.TryGetProperty(name, out var value) ? Text(value) : null;

    private static string? Text(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null } => "none",
        { ValueKind: JsonValueKind.String } v => Readable(v.GetString()),
        { ValueKind: JsonValueKind.True } => "yes",
        { ValueKind: JsonValueKind.False } => "no",
        { ValueKind: JsonValueKind.Array } v => string.Join(", ", v.EnumerateArray().Select(e => Text(e))),
        { } v => v.GetRawText(),
    };
}
