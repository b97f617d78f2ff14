using System.Globalization;
using System.Security.Claims;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Join;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Turns a peer JWT sent as a bearer token into a principal that speaks for one peer key in one experiment. Such a
/// principal is not a user (user endpoints answer 403); it may only report its own peer's contributions.
/// </summary>
public sealed class PeerTokenAuthenticator(ModerationDb db, ExperimentCache experiments, PeerTokenInspector inspector)
{
    public const string PeerKeyClaim = "peer_key_fingerprint";
    public const string ExperimentClaim = "peer_experiment";
    public const string UsernameClaim = "peer_username";

    public static bool LooksLikePeerJwt(string token) => token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(c => c == '.') == 2;

    /// <returns>The principal, or the reason the token is not accepted.</returns>
    public async Task<(ClaimsPrincipal? Principal, string? Failure)> AuthenticateAsync(string token, string scheme, CancellationToken ct)
    {
        var jwt = PeerJwt.Read(token);
        if (jwt?.Claims.Audience.Split('/') is not [var org, var model])
        {
            return (null, "The bearer token looks like a JWT but is not one of our PS256 peer tokens.");
        }
        var experiment = await experiments.ByNameAsync(db, org, model, ct);
        if (experiment is null)
        {
            return (null, $"The peer token is for {jwt.Claims.Audience}, which does not exist.");
        }
        var result = await inspector.InspectAsync(db, experiment, token, null, ct);
        if (!result.IsValid)
        {
            return (null, "The peer token is not active: " + result.Reason);
        }
        var claims = new List<Claim>
        {
            new(PeerKeyClaim, result.PeerKeyFingerprint!),
            new(ExperimentClaim, experiment.Id.ToString(CultureInfo.InvariantCulture)),
            new(UsernameClaim, result.Username!),
            new(ClaimTypes.Name, $"peer:{result.Username}"),
        };
        return (new ClaimsPrincipal(new ClaimsIdentity(claims, scheme)), null);
    }
}

public static class PeerTokenPrincipal
{
    /// <summary>The peer-key fingerprint a peer token principal speaks for in <paramref name="experimentId"/>, or null.</summary>
    public static string? PeerKeyIn(this ClaimsPrincipal principal, int experimentId) =>
        principal.FindFirstValue(PeerTokenAuthenticator.ExperimentClaim) == experimentId.ToString(CultureInfo.InvariantCulture)
            ? principal.FindFirstValue(PeerTokenAuthenticator.PeerKeyClaim)
            : null;

    public static bool IsPeer(this ClaimsPrincipal principal) => principal.HasClaim(c => c.Type == PeerTokenAuthenticator.PeerKeyClaim);
}
