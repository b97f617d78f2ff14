namespace Moderation.AuthApi.Pages;

/// <summary>Settings of the public pages (<c>PublicPages</c> section).</summary>
public sealed class PublicPagesOptions
{
    public const string Section = "PublicPages";

    /// <summary>
    /// The moderator console's public URL (e.g. <c>https://moderation.example.org</c>): "Join this run" on the public pages
    /// leads there. Without it those buttons are not shown.
    /// </summary>
    public string? ModeratorUiUrl { get; set; }

    public bool IsValid => string.IsNullOrEmpty(ModeratorUiUrl)
                           || (Uri.TryCreate(ModeratorUiUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https");
}
