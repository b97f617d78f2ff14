using Microsoft.Extensions.Options;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Jobs;

namespace Moderation.AuthApi.Bans;

/// <summary>Every minute: records the end of temporary bans whose time is up, in the audit log and the revocation lists.</summary>
public sealed class BanExpiryJob(BanService bans, IOptions<JobOptions> options) : IBanExpiryJob
{
    public const string RecurringJobId = "lift-expired-bans";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        using var deadline = JobDeadline.Start(options.Value, ct);
        return await bans.LiftExpiredAsync(deadline.Token);
    }
}
