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
