using System.Text.RegularExpressions;
using Moderation.Contracts.Client;

namespace Moderation.ModeratorUi.Forms;

/// <summary>
/// The API's refusals in the console's words: the API names its fields as they are sent (<c>'expires_at' must be in the
/// future</c>), which is right for scripts and wrong for a person at a form; here they become the form's own words
/// (<c>The end of the ban must be in the future</c>).
/// </summary>
public static partial class Friendly
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["username"] = "the username", ["usernames"] = "the import", ["reason"] = "the reason", ["evidence"] = "the evidence",
        ["expires_at"] = "the end of the ban", ["message"] = "the message", ["name"] = "the key name", ["scopes"] = "the scopes",
        ["token_lifetime_minutes"] = "the peer token lifetime", ["max_peer_keys_per_user"] = "the number of peer keys per user",
        ["coordinator_ip"] = "the coordinator IP", ["coordinator_port"] = "the coordinator port", ["access_policy"] = "who may join",
        ["allowed_checkpoint_repositories"] = "the list of repositories", ["organization_name"] = "the organization name",
        ["model_name"] = "the model name", ["checkpoint_id"] = "the checkpoint",
    };

    /// <summary>A field name in quotes, as the subject of a rule: <c>'reason' must …</c>, <c>'reason' is required …</c>.</summary>
    [GeneratedRegex(@"'([a-z][a-z0-9_]*)'(?= (?:must|is|may|should|has)\b)")]
    private static partial Regex QuotedField();

    public static ApiProblem Problem(ApiProblem problem) => problem with
    {
        Detail = Text(problem.Detail),
        Errors = problem.Errors.ToDictionary(e => e.Key, e => e.Value.Select(Text).ToArray()),
    };

    public static string Text(string message) => QuotedField().Replace(message, m =>
    {
        if (!Fields.TryGetValue(m.Groups[1].Value, out var words))
        {
            return m.Value;
        }
        var startsSentence = m.Index == 0 || message[..m.Index].TrimEnd().EndsWith('.');
        return startsSentence ? char.ToUpperInvariant(words[0]) + words[1..] : words;
    });
}
