using System.Text.RegularExpressions;

namespace Moderation.Contracts.Validation;

/// <summary>
/// Hugging Face naming rules for users, organizations and repositories (as huggingface_hub validates repo ids):
/// letters, digits, '-', '_' and '.', 1 to 96 characters, starting and ending with a letter or digit, no "--" or "..".
/// </summary>
public static partial class HfNames
{
    public const int MaxLength = 96;

    public const string Rule =
        "must be 1-96 letters, digits, '-', '_' or '.', start and end with a letter or digit, and not contain '--' or '..'";

    // \z, not $: in .NET a $ also matches before a final line feed, so "name\n" would pass.
    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <summary>A Hub repository id, <c>owner/name</c>, both parts valid names.</summary>
    public static bool IsRepositoryId(string? id) => id?.Split('/') is [var owner, var name] && IsValid(owner) && IsValid(name);

    public static bool IsValid(string? name) =>
        name is not null && NamePattern().IsMatch(name) && !name.Contains("--", StringComparison.Ordinal)
        && !name.Contains("..", StringComparison.Ordinal);
}
