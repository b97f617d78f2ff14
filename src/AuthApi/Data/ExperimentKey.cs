namespace Moderation.AuthApi.Data;

/// <summary>
/// One RSA-2048 signing key of an experiment's key ring. The private key is kept only encrypted (ASP.NET Core Data
/// Protection, whose keys are in this database so every replica can read it). A retired key stays published until
/// every token it signed has expired.
/// </summary>
public sealed class ExperimentKey
{
    public int Id { get; set; }
    public int ExperimentId { get; set; }
    public required string Kid { get; set; }
    public required string PublicKey { get; set; }
    public required string ProtectedPrivateKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
    public DateTimeOffset? PublishedUntil { get; set; }
}
