namespace Moderation.AuthApi.Data;

/// <summary>
/// A Hugging Face account as this service last saw it: its permanent id and its current, canonical name. Every fact
/// about a person (ban, allowlist entry, grant, join request, revocation) refers to the id; the name is for display and
/// is refreshed whenever the Hub tells us a newer one, so a renamed account keeps its facts and a new account that takes
/// a freed name inherits none.
/// </summary>
public sealed class HfUser
{
    /// <summary>The Hub's user id (<c>id</c> in whoami-v2, <c>sub</c> in userinfo).</summary>
    public required string Id { get; set; }

    /// <summary>The name in the Hub's spelling, as last seen.</summary>
    public required string Username { get; set; }

    public DateTimeOffset SeenAt { get; set; }

    /// <summary>Placeholder ids given at migration to names that were stored without an id; replaced once the Hub is asked.</summary>
    public const string LegacyIdPrefix = "legacy:";
}
