namespace Moderation.AuthApi.Data;

/// <summary>
/// One entry of the append-only, hash-chained audit log: each entry's <see cref="Hash"/> covers its content and the
/// previous entry's hash, so altering, removing or reordering any entry breaks the chain from there on. The database
/// refuses UPDATE and DELETE on this table (a trigger), and the application never issues them.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>Position in the chain, assigned under a lock: 1, 2, 3…</summary>
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public int? ExperimentId { get; set; }
    public string? Experiment { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Target { get; set; }
    public string? Reason { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}
