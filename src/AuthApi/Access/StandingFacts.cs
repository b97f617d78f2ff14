using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Access;

/// <summary>What the access rules need from the database about one user in one experiment (and the key a join would sign).</summary>
/// <param name="Ban">The ban that keeps the user out now (a global one first), if any.</param>
/// <param name="KeyRevoked">The join's peer key was revoked in the experiment.</param>
public sealed record StandingFacts(Ban? Ban, bool KeyRevoked, bool Allowlisted);
