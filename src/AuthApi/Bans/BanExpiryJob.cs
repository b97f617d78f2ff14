using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Bans;

/// <summary>
/// Every 30 s (<see cref="JobOptions.BanExpiryCron"/>): records the end of temporary bans whose time is up, in the audit
/// log and the revocation lists. One run at a time across instances, under a lock that dies with the instance holding it
/// (<see cref="SessionLock"/>): a run that finds it taken does nothing, and a run killed mid-way holds up none after it.
/// </summary>
public sealed class BanExpiryJob(ModerationDb db, BanService bans, IOptions<JobOptions> options) : IBanExpiryJob
{
    public const string RecurringJobId = "lift-expired-bans";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var deadline = JobDeadline.Start(options.Value, ct);
        await using var held = await SessionLock.TryTakeAsync(db, AdvisoryLocks.TryBanExpiry, deadline.Token);
        return held is null ? 0 : await bans.LiftExpiredAsync(deadline.Token);
    }
}
