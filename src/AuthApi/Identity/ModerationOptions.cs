namespace Moderation.AuthApi.Identity;

public sealed class ModerationOptions
{
    public const string Section = "Moderation";

    /// <summary>HF user ids (not names: names can be renamed and taken over) with every power in every experiment.</summary>
    public string[] GlobalAdminIds { get; set; } = [];

    /// <summary>The old name-based setting; refused at start-up so that an upgrade cannot silently drop every admin.</summary>
    public string[]? GlobalAdmins { get; set; }
}
