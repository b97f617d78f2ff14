namespace Moderation.AuthApi.Identity;

public enum CallerKind
{
    Anonymous,
    User,
    ServiceKey,
    Peer,
}

/// <summary>A service key speaking for an auxiliary peer of one experiment, within its scopes.</summary>
public sealed record ServiceKeyCaller(Guid Id, int ExperimentId, string Name, IReadOnlyList<string> Scopes)
{
    public bool Allows(int experimentId, string scope) => ExperimentId == experimentId && Scopes.Contains(scope);
}

/// <summary>A peer that presented its token with proof of holding the token's peer key (DPoP).</summary>
public sealed record PeerCaller(int ExperimentId, string PeerKeyFingerprint, string UserId, string Username);

/// <summary>
/// Who is calling, filled once per request by <see cref="HfBearerHandler"/> when an endpoint needs a caller (anonymous
/// endpoints never resolve a token). Handlers take this instead of reading claims.
/// </summary>
public sealed class Caller
{
    public CallerKind Kind { get; private set; }

    /// <summary>The Hugging Face user, when the caller is one.</summary>
    public HfIdentity? Identity { get; private set; }

    public ServiceKeyCaller? ServiceKey { get; private set; }

    public PeerCaller? Peer { get; private set; }

    public bool IsGlobalAdmin { get; private set; }

    /// <summary>The user; only endpoints for users ask, after authorization made sure there is one.</summary>
    public HfIdentity User => Identity ?? throw new InvalidOperationException("This request was not made by a Hugging Face user.");

    /// <summary>How the audit log and reports name the caller.</summary>
    public string ActorName => Kind switch
    {
        CallerKind.User => User.Username,
        CallerKind.ServiceKey => $"service-key:{ServiceKey!.Name}",
        CallerKind.Peer => $"peer:{Peer!.Username}",
        _ => "anonymous",
    };

    internal void SetUser(HfIdentity identity, bool isGlobalAdmin)
    {
        (Kind, Identity, IsGlobalAdmin) = (CallerKind.User, identity, isGlobalAdmin);
    }

    internal void SetServiceKey(ServiceKeyCaller key) => (Kind, ServiceKey) = (CallerKind.ServiceKey, key);

    internal void SetPeer(PeerCaller peer) => (Kind, Peer) = (CallerKind.Peer, peer);
}
