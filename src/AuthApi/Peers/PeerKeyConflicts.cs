using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;

namespace Moderation.AuthApi.Peers;

/// <summary>
/// Records a join refused because its peer key belongs to another user: the first attempt of each claimant on each key
/// goes into the audit log, later ones only raise the count moderators see.
/// </summary>
public sealed class PeerKeyConflicts(UnitOfWork work, TimeProvider clock)
{
    public async Task RecordAsync(ModerationDb db, Experiment experiment, string fingerprint, HfIdentity claimant, string ownerUserId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var first = await work.RunAsync(async action =>
        {
            var inserted = await db.Database.ExecuteSqlRawAsync(SqlNames.Statements<Statements>(db.Model).Insert, [
                NpgsqlCommands.Parameter("experiment", experiment.Id), NpgsqlCommands.Parameter("fingerprint", fingerprint),
                NpgsqlCommands.Parameter("claimant", claimant.Id), NpgsqlCommands.Parameter("owner", ownerUserId), NpgsqlCommands.Parameter("now", now),
            ], ct) == 1;
            if (inserted)
            {
                action.Audit(new AuditRecord(experiment, claimant.Username, "peer_key.claim_refused", fingerprint,
                    "Tried to join with a peer key that belongs to another user.", After: new { owner_user_id = ownerUserId, claimant_user_id = claimant.Id }));
            }
            return inserted;
        }, ct);
        if (!first)
        {
            await db.PeerKeyConflicts
                .Where(c => c.ExperimentId == experiment.Id && c.PeerKeyFingerprint == fingerprint && c.ClaimantUserId == claimant.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Attempts, c => c.Attempts + 1).SetProperty(c => c.LastAttemptAt, now), ct);
        }
    }

    private sealed class Statements : ISqlStatements<Statements>
    {
        public required string Insert { get; init; }

        public static Statements Build(SqlNames names)
        {
            var c = names.Table<PeerKeyConflict>();
            return new()
            {
                Insert = $"""
                    INSERT INTO {c} ({c.Columns(x => x.ExperimentId, x => x.PeerKeyFingerprint, x => x.ClaimantUserId, x => x.OwnerUserId,
                                                x => x.FirstAttemptAt, x => x.LastAttemptAt, x => x.Attempts)})
                    VALUES (@experiment, @fingerprint, @claimant, @owner, @now, @now, 1)
                    ON CONFLICT DO NOTHING
                    """,
            };
        }
    }
}
