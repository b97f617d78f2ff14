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

    /// <summary>One changed field: its name, the value before (null if new) and after (null if gone).</summary>
    public sealed record Change(string Field, string? Before, string? After);

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
            .Select(f => new Change(f, Field(b, f), Field(a, f)))
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

    private static string? Field(JsonElement? doc, string name) =>
        doc is { } d && d.TryGetProperty(name, out var value) ? Text(value) : null;

    private static string? Text(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null } => "none",
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { } v => v.GetRawText(),
    };
}
