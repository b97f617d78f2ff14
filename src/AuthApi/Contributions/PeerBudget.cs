namespace Moderation.AuthApi.Contributions;

/// <summary>A peer key's time budget so far (see <see cref="Data.PeerProgress"/>).</summary>
internal readonly record struct PeerBudget(DateTimeOffset FirstReceivedAt, DateTimeOffset LastReceivedAt, double CreditedSeconds);
