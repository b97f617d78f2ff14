using FluentValidation;
using Moderation.Contracts.Validation;

namespace Moderation.Contracts.InitialPeers;

/// <summary>
/// What a run's monitor or auxiliary peer publishes with its service key (<c>initial_peers:write</c>): the multiaddrs
/// hivemind printed for it (<c>dht.get_visible_maddrs()</c>). Replaces what the same key published before; an empty list
/// withdraws them.
/// </summary>
public sealed record PublishInitialPeersRequest(IReadOnlyList<string>? Multiaddrs);

/// <summary>What this key has published, and the initial peers joining peers are now given (owners' first).</summary>
public sealed record PublishedInitialPeersResponse(IReadOnlyList<string> Multiaddrs, DateTimeOffset? PublishedAt, IReadOnlyList<string> InitialPeers);

public sealed class PublishInitialPeersRequestValidator : AbstractValidator<PublishInitialPeersRequest>
{
    public PublishInitialPeersRequestValidator()
    {
        RuleFor(r => r.Multiaddrs).NotNull().WithMessage("'multiaddrs' must be a list of multiaddrs (empty to withdraw them).").MultiaddrList();
    }
}
