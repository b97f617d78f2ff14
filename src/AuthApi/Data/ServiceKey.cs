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
}

public enum CheckpointStatus
{
    Active,
    Quarantined,
    Superseded,
}

/// <summary>A model checkpoint an auxiliary peer uploaded to the Hub and registered here.</summary>
public sealed class Checkpoint
{
    public long Id { get; set; }
    public int ExperimentId { get; set; }
    public long Step { get; set; }
    public required string Repository { get; set; }
    /// <summary>The Hub commit id (40 hex characters).</summary>
    public required string Revision { get; set; }
    public double? Loss { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
    public Guid RegisteredByKey { get; set; }
    public long? SizeBytes { get; set; }
    public string? Url { get; set; }
    public CheckpointStatus Status { get; set; }
    public string? QuarantineReason { get; set; }
    public string? QuarantinedBy { get; set; }
    public DateTimeOffset? QuarantinedAt { get; set; }
}
