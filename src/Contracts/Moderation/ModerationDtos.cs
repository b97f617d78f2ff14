namespace Moderation.Contracts.Moderation;

public static class ModerationLimits
{
    public const int MaxReasonLength = 1000;
    public const int MaxEvidenceLength = 4000;
    public const int MaxMessageLength = 1000;
    public const int MaxImportLines = 5000;
    public const int MaxPageSize = 200;
}

// Bans

public sealed record CreateBanRequest(string? Username, string? Reason, string? Evidence = null, DateTimeOffset? ExpiresAt = null);

public sealed record BanResponse(
    long Id, string Username, string? Experiment, string Reason, string? Evidence, string BannedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LiftedAt, string? LiftedBy, bool InForce, int TokensRevoked);

// Allowlist

public sealed record AllowlistAddRequest(string? Reason = null);

public sealed record AllowlistEntryResponse(string Username, string AddedBy, DateTimeOffset AddedAt, string? Reason);

public sealed record AllowlistImportRequest(string? Usernames, string? Reason = null);

public enum ImportOutcome
{
    Added,
    AlreadyPresent,
    InvalidName,

    /// <summary>A well-formed name the Hub has no user for.</summary>
    UnknownUser,

    /// <summary>Not looked up: the moderator's (or the service's) budget of Hub lookups was spent. Import it again later.</summary>
    NotChecked,
}

public sealed record ImportLineResult(int Line, string Text, ImportOutcome Outcome);

/// <param name="RetryAfterSeconds">When lines were not checked: when to import them again.</param>
public sealed record AllowlistImportResponse(
    int Added, int AlreadyPresent, int Invalid, IReadOnlyList<ImportLineResult> Lines, int UnknownUsers = 0, int NotChecked = 0, int? RetryAfterSeconds = null);

// Join requests (screening)

public sealed record CreateJoinRequestRequest(string? Message = null);

public sealed record DecideJoinRequestRequest(string? Reason = null);

public sealed record EarlierBan(string? Experiment, string Reason, DateTimeOffset CreatedAt, bool InForce);

public sealed record JoinRequestResponse(
    long Id, string Username, string? Fullname, string? AvatarUrl, IReadOnlyList<string> Orgs, bool EmailVerified, bool IsPro,
    string? Message, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, string? DecidedBy, string? DecisionReason,
    IReadOnlyList<EarlierBan> EarlierBans);

/// <summary>Where the caller stands in an experiment: admitted, pending, rejected, banned or none (never asked).</summary>
public sealed record MembershipResponse(string Experiment, string Status, string? Reason, JoinRequestResponse? LatestRequest);

// Peers

/// <param name="RefusedClaims">Joins by other users with this key, refused because it is this user's (see peer_key.claim_refused in the audit log).</param>
/// <param name="KeysWithinHour">
/// How many peer keys of the same account had their first token within an hour of this one's (itself included): a burst
/// of fresh keys (<see cref="KeyBurst"/>) is how one account would try to multiply its credit. Its keys share one head start.
/// </param>
public sealed record PeerResponse(
    string Username, string PeerKeyFingerprint, DateTimeOffset FirstIssuedAt, DateTimeOffset LastIssuedAt, DateTimeOffset ExpiresAt,
    int Tokens, DateTimeOffset? RevokedAt, string? RevokedBy, string? RevocationReason, int RefusedClaims = 0, int KeysWithinHour = 1)
{
    /// <summary>Keys of one account first seen within an hour of each other from which on a moderator is shown a burst.</summary>
    public const int BurstKeys = 5;

    public bool KeyBurst => KeysWithinHour >= BurstKeys;
}

public sealed record RevokePeerRequest(string? Reason);

public sealed record RevokePeerResponse(string PeerKeyFingerprint, int TokensRevoked);

// Audit

public sealed record AuditEntryResponse(
    long Id, DateTimeOffset At, string? Experiment, string Actor, string Action, string Target, string? Reason, string? Before,
    string? After, string PreviousHash, string Hash);

public sealed record AuditVerificationResponse(bool Valid, long EntriesChecked, long? FirstBrokenId, string? Problem);

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);
