using Moderation.AuthApi.Audit;

namespace Moderation.AuthApi.Data;

/// <summary>
/// What one moderation action records besides its own changes, collected while it runs and carried out by
/// <see cref="UnitOfWork"/> in the same transaction (audit entries, revocation version, jobs) or right after the commit
/// (cache evictions).
/// </summary>
public sealed class ModerationAction
{
    internal List<AuditRecord> AuditRecords { get; } = [];
    internal List<(string Kind, long Argument)> Jobs { get; } = [];
    internal List<(int Id, string OrganizationName, string ModelName)> ChangedExperiments { get; } = [];
    internal bool ChangesRevocations { get; private set; }

    /// <summary>Records the action in the audit log. An action that records nothing changes nothing: it is rolled back.</summary>
    public void Audit(AuditRecord record) => AuditRecords.Add(record);

    /// <summary>The action changes what revocation lists say (a ban, an unban, a revoked peer): their version moves with it.</summary>
    public void RevokesOrRestores() => ChangesRevocations = true;

    /// <summary>
    /// The action takes away a way in without revoking anything (an allowlist entry): the revocation version moves all the
    /// same, since re-joins answered from memory are valid only while it stands still (Join/RejoinMemory).
    /// </summary>
    public void WithdrawsAdmission() => ChangesRevocations = true;

    /// <summary>
    /// The action changes the experiment's settings or roles: cached copies are dropped after the commit. Call it before a
    /// rename as well as after, so both names are dropped.
    /// </summary>
    public void Changes(Experiment experiment) => ChangedExperiments.Add((experiment.Id, experiment.OrganizationName, experiment.ModelName));

    /// <summary>A background job to run once the action is committed (see <see cref="OutboxJob"/>).</summary>
    public void Enqueue(string kind, long argument) => Jobs.Add((kind, argument));
}
