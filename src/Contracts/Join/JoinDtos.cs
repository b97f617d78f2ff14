using Moderation.Contracts.Tokens;

namespace Moderation.Contracts.Join;

// Reference-compatible join: PUT /api/experiments/join?organization_name=&model_name= (or /api/experiments/join/{id}/).

public sealed record ReferenceJoinInput(string? PeerPublicKey);

public sealed record ReferenceJoinRequest(ReferenceJoinInput? ExperimentJoinInput);

/// <summary>The reference server's answer, plus <see cref="InitialPeers"/> (its clients read only the fields they know).</summary>
public sealed record ReferenceJoinResponse(
    string? CoordinatorIp,
    int? CoordinatorPort,
    HivemindAccess HivemindAccess,
    string AuthServerPublicKey,
    IReadOnlyList<string> InitialPeers);

// Native join: POST /api/v1/experiments/{org}/{model}/join.

public sealed record JoinInput(string? PeerPublicKey);

public sealed record JoinResponse(
    string Token,
    string Kid,
    DateTimeOffset ExpiresAt,
    HivemindAccess HivemindAccess,
    string AuthServerPublicKey,
    string PeerKeyFingerprint,
    string? CoordinatorIp,
    int? CoordinatorPort,
    string JwksUrl,
    IReadOnlyList<string> InitialPeers);

/// <summary>RFC 7662-style introspection: send either <c>token</c> (a peer JWT) or <c>hivemind_access</c> with the experiment's name.</summary>
public sealed record IntrospectionRequest(
    string? Token = null,
    HivemindAccess? HivemindAccess = null,
    string? OrganizationName = null,
    string? ModelName = null);

public sealed record IntrospectionResponse(
    bool Active,
    string? Username = null,
    long? Exp = null,
    string? Aud = null,
    string? Jti = null,
    string? PeerKeyFingerprint = null,
    string? Reason = null);

public sealed record KeyRotationResponse(string Kid, string? RetiredKid, DateTimeOffset? RetiredKeyPublishedUntil);

/// <summary>A published key of an experiment: the one that signs now, or a retired one published until its last token expires.</summary>
public sealed record SigningKeyResponse(string Kid, DateTimeOffset CreatedAt, bool Signing, DateTimeOffset? RetiredAt, DateTimeOffset? PublishedUntil);
