using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Identity;

/// <summary>Hourly: forgets DPoP proofs too old to be accepted anyway.</summary>
public sealed class UsedProofPurgeJob(ModerationDb db, UsedProofs proofs) : IUsedProofPurgeJob
{
    public const string RecurringJobId = "purge-used-proofs";

    public Task<int> RunAsync(CancellationToken ct) => proofs.PurgeAsync(db, ct);
}
