namespace Moderation.AuthApi.Contributions;

/// <summary>A peer key's time budget so far (see <see cref="Data.PeerProgress"/>).</summary>
internal readonly record struct PeerBudget(DateTimeOffset FirstReceivedAt, DateTimeOffset LastReceivedAt, double CreditedSeconds, double HeadStartSeconds);

/// <summary>An account's head-start allowance (see <see cref="Data.ContributorHeadStart"/>): seconds left at a time.</summary>
internal readonly record struct HeadStart(double Seconds, DateTimeOffset At);
