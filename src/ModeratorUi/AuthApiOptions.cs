using System.ComponentModel.DataAnnotations;

namespace Moderation.ModeratorUi;

public sealed class AuthApiOptions
{
    public const string Section = "AuthApi";

    /// <summary>Where this app calls AuthApi (may be an internal address).</summary>
    [Required, Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>Where people and peers reach AuthApi (the server URL training scripts use, the public leaderboards); defaults to <see cref="BaseUrl"/>.</summary>
    [Url]
    public string? PublicUrl { get; set; }

    /// <summary>The public origin without a trailing slash.</summary>
    public string PublicBase => (string.IsNullOrWhiteSpace(PublicUrl) ? BaseUrl : PublicUrl).TrimEnd('/');

    /// <summary>The public leaderboard page of an experiment, served by AuthApi.</summary>
    public string LeaderboardUrl(string org, string model) => $"{PublicBase}/leaderboard/{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(model)}";
}
