namespace Moderation.AuthApi.Data;

/// <summary>
/// A scoped credential for an auxiliary peer of one experiment. Only a SHA-256 of the secret is kept; the secret is
/// shown once, when the key is created.
/// </summary>
public sealed class ServiceKey
{
    public Guid Id { get; set; }
    public int ExperimentId { get; set; }
    public required string Name { get; set; }
    /// <summary>The secret's first characters, so owners can tell keys apart.</summary>
    public required string Prefix { get; set; }
    public required string SecretHash { get; set; }
    /// <summary>Space-separated scopes, e.g. "checkpoints:write contributions:write".</summary>
    public required string Scopes { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }

    /// <summary>The multiaddrs the auxiliary peer using this key published last (scope <c>initial_peers:write</c>).</summary>
    public List<string> InitialPeers { get; set; } = [];
    public DateTimeOffset? InitialPeersPublishedAt { get; set; }
}
