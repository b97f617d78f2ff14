using System.ComponentModel.DataAnnotations;

namespace Moderation.ServiceDefaults;

/// <summary>The PostgreSQL database both apps use (AuthApi's tables, Hangfire's schema, ModeratorUi's key ring schema).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "ConnectionStrings";

    /// <summary>The PostgreSQL connection string (<c>ConnectionStrings:Moderation</c>).</summary>
    [Required(ErrorMessage = "ConnectionStrings:Moderation is not set: it must name the PostgreSQL database.")]
    public string Moderation { get; set; } = "";
}
