using System.ComponentModel.DataAnnotations;

namespace Moderation.ModeratorUi;

/// <summary>Hugging Face OAuth app settings (create one at huggingface.co/settings/applications).</summary>
public sealed class HfLoginOptions
{
    public const string Section = "HuggingFace";

    [Required, Url]
    public string BaseUrl { get; set; } = "https://huggingface.co";

    [Required]
    public string ClientId { get; set; } = "";

    [Required]
    public string ClientSecret { get; set; } = "";

    /// <summary>Only the Hub emulator on loopback is served over plain http.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

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

/// <summary>A public type that names this assembly, for test hosts.</summary>
public sealed class UiAssembly;
