namespace Moderation.AuthApi.Identity;

/// <summary>A peer that presented its token with proof of holding the token's peer key (DPoP).</summary>
public sealed record PeerCaller(int ExperimentId, string PeerKeyFingerprint, string UserId, string Username);
