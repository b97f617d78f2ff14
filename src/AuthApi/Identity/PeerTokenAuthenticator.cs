using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Join;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Turns a peer JWT sent as <c>Authorization: DPoP &lt;token&gt;</c> with a <c>DPoP</c> proof header into the peer it speaks
/// for: the token must be active (signature, audience, expiry, revocations, bans), and the proof must be signed with the
/// key the token is bound to, for this request, recent, and not seen before (on any replica).
/// </summary>
public sealed class PeerTokenAuthenticator(
    ModerationDb db, ExperimentCache experiments, PeerTokenInspector inspector, UsedProofs usedProofs, TimeProvider clock,
    IOptions<Keys.TokenOptions> options)
{
    public static bool LooksLikePeerJwt(string token) => token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(c => c == '.') == 2;

    /// <returns>The peer, or the reason the token or proof is not accepted.</returns>
    public async Task<(PeerCaller? Peer, string? Failure)> AuthenticateAsync(HttpRequest request, string token, CancellationToken ct)
    {
        var jwt = PeerJwt.Read(token);
        if (jwt?.Claims.Audience.Split('/') is not [var org, var model])
        {
            return (null, "The token is not one of our PS256 peer tokens.");
        }
        var experiment = await experiments.ByNameAsync(db, org, model, ct);
        if (experiment is null)
        {
            return (null, $"The peer token is for {jwt.Claims.Audience}, which does not exist.");
        }
        var result = await inspector.InspectAsync(db, experiment, options.Value.PublicOrigin(request), jwt, null, ct);
        if (!result.IsValid)
        {
            return (null, "The peer token is not active: " + result.Reason);
        }
        string? proof = request.Headers[DpopProof.HeaderName];
        if (string.IsNullOrEmpty(proof) || request.Headers[DpopProof.HeaderName].Count != 1)
        {
            return (null, "A peer token must come with exactly one 'DPoP' header: a proof signed with the peer's private key (RFC 9449).");
        }
        var now = clock.GetUtcNow();
        var window = TimeSpan.FromSeconds(options.Value.DpopProofWindowSeconds);
        var check = await DpopProof.VerifyAsync(proof, request.Method, RequestUrls(request), token, result.PeerKeyFingerprint!, now, window);
        if (!check.IsValid)
        {
            return (null, check.Error);
        }
        if (!await usedProofs.TryUseAsync(db, result.PeerKeyFingerprint!, check.Jti!, check.IssuedAt + window, ct))
        {
            return (null, "This DPoP proof was already used: make a new proof (a fresh 'jti') for every request.");
        }
        return (new PeerCaller(experiment.Id, result.PeerKeyFingerprint!, jwt.Claims.Subject, result.Username!), null);
    }

    /// <summary>
    /// The URL the peer called: at the configured public origin (<c>Tokens:Issuer</c>) where one is set — never a host or
    /// scheme the request itself claims, which a client can write into forwarded headers — else as this server sees it.
    /// </summary>
    private string[] RequestUrls(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).ToUriComponent();
        return options.Value.Issuer is { Length: > 0 } origin
            ? [origin.TrimEnd('/') + path]
            : [$"{request.Scheme}://{request.Host.ToUriComponent()}{path}"];
    }
}
