using Hangfire;

namespace Moderation.AuthApi.Bans;

/// <summary>Every minute: records the end of temporary bans whose time is up, in the audit log and the revocation lists.</summary>
public sealed class BanExpiryJob(BanService bans)
{
    public const string RecurringJobId = "lift-expired-bans";

    [DisableConcurrentExecution(timeoutInSeconds: 120)]
    public Task<int> RunAsync(CancellationToken ct) => bans.LiftExpiredAsync(ct);
}
