using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.ServiceKeys;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Authenticates the caller of an endpoint that needs one (anonymous endpoints never get here): a service key
/// (<c>Bearer msk_…</c>) against the database, a peer token with its DPoP proof (<c>DPoP &lt;token&gt;</c>) against the
/// experiment's keys and revocations, and anything else as a Hugging Face token by asking Hugging Face. The result goes
/// into the request's <see cref="Caller"/>; the principal carries only what authorization policies read.
/// </summary>
public sealed class HfBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    HfIdentityResolver resolver,
    HubIdTokens idTokens,
    HubLookupGate unknownCredentials,
    ServiceKeyAuthenticator serviceKeys,
    LiveServiceKeys liveServiceKeys,
    PeerTokenAuthenticator peerTokens,
    ExperimentRoles roles,
    UserDirectory users,
    Caller caller,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "HuggingFace";

    /// <summary>HF OAuth access tokens (user access tokens are <c>hf_</c> and something else).</summary>
    public const string OAuthTokenPrefix = "hf_oauth_";
    private const int MaxTokenLength = 4096;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        var (scheme, token) = header.IndexOf(' ') is > 0 and var space ? (header[..space], header[(space + 1)..].Trim()) : (header, "");
        if (token.Length is 0 or > MaxTokenLength || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return AuthenticateResult.Fail("The bearer token is empty, too long or contains spaces or control characters.");
        }
        var address = RateLimits.ClientAddress(Context);
        if (scheme.Equals(DpopProof.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            unknownCredentials.EnsureBudget(address);
            var (peer, failure) = await peerTokens.AuthenticateAsync(Request, token, Context.RequestAborted);
            if (peer is null)
            {
                unknownCredentials.Spend(address);
                return AuthenticateResult.Fail(failure!);
            }
            caller.SetPeer(peer);
            return Success(CallerKind.Peer, new Claim(ClaimTypes.Name, caller.ActorName));
        }
        if (!scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <Hugging Face token or service key>' or 'DPoP <peer token>'.");
        }
        if (ServiceKeyAuthenticator.LooksLikeServiceKey(token))
        {
            // A live key is checked even when others behind this address spent its budget on junk keys.
            var hash = ServiceKeyAuthenticator.Hash(token);
            if (!unknownCredentials.HasBudget(address) && !await liveServiceKeys.IsLiveAsync(hash, Context.RequestAborted))
            {
                unknownCredentials.EnsureBudget(address);
            }
            var serviceKey = await serviceKeys.AuthenticateAsync(token, Context.RequestAborted);
            if (serviceKey is null)
            {
                unknownCredentials.Spend(address);
                return AuthenticateResult.Fail("The service key is unknown or was revoked.");
            }
            liveServiceKeys.Seen(hash);
            caller.SetServiceKey(serviceKey);
            return Success(CallerKind.ServiceKey, new Claim(ClaimTypes.Name, caller.ActorName));
        }
        if (PeerTokenAuthenticator.LooksLikePeerJwt(token))
        {
            return AuthenticateResult.Fail(
                "A peer token is not accepted as a bearer token: send it as 'Authorization: DPoP <token>' with a 'DPoP' header holding a proof signed with the peer's private key (RFC 9449).");
        }
        if (!LooksLikeHfToken(token))
        {
            return AuthenticateResult.Fail("This is not a Hugging Face token (they start with 'hf_'): send an HF user access token, a service key or a peer token.");
        }
        string? subject = null;
        if (token.StartsWith(OAuthTokenPrefix, StringComparison.Ordinal))
        {
            // Any app's OAuth token of a person resolves to that person at the Hub: only the id_token of our own app's
            // sign-in makes it an authority here.
            string? idToken = Request.Headers[HubIdTokens.Header];
            if (string.IsNullOrEmpty(idToken) || idToken.Length > MaxTokenLength)
            {
                return AuthenticateResult.Fail(
                    $"A Hugging Face OAuth token is accepted only from this service's console, with the id_token of the same sign-in in {HubIdTokens.Header}: a token another app obtained carries no power here. Scripts use an HF user access token.");
            }
            string? refusal;
            (subject, refusal) = await idTokens.ValidateAsync(idToken, Context.RequestAborted);
            if (subject is null)
            {
                return AuthenticateResult.Fail(refusal!);
            }
        }
        var identity = await resolver.ResolveAsync(token, address, Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail("Hugging Face does not recognise this token: it is invalid, expired or revoked.");
        }
        if (subject is not null && !string.Equals(subject, identity.Id, StringComparison.Ordinal))
        {
            return AuthenticateResult.Fail("The id_token and the OAuth token belong to different users.");
        }
        caller.SetUser(identity, roles.IsGlobalAdmin(identity));
        await users.RecordSeenAsync(identity.Ref, Context.RequestAborted);
        return Success(CallerKind.User, new Claim(ClaimTypes.NameIdentifier, identity.Id), new Claim(ClaimTypes.Name, identity.Username),
            new Claim(AccessPolicies.GlobalAdminClaim, caller.IsGlobalAdmin ? "true" : "false"));
    }

    private static AuthenticateResult Success(CallerKind kind, params Claim[] claims)
    {
        var identity = new ClaimsIdentity(claims.Append(new Claim(AccessPolicies.CallerKindClaim, kind.ToString())), SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? "Send a Hugging Face access token as 'Authorization: Bearer hf_...'.";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = Request.Headers.Authorization.ToString().StartsWith(DpopProof.Scheme + " ", StringComparison.OrdinalIgnoreCase)
                                           || detail.Contains("DPoP", StringComparison.Ordinal)
            ? $"DPoP algs=\"RS256 PS256\", error=\"invalid_dpop_proof\", error_description=\"{HeaderSafe(detail)}\""
            : result.Failure is null ? "Bearer" : $"Bearer error=\"invalid_token\", error_description=\"{HeaderSafe(detail)}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = StatusCodes.Status401Unauthorized, Title = "Authentication required", Detail = detail },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var rule = Context.GetEndpoint()?.Metadata.GetMetadata<AccessRule>();
        // The reference server answers every refusal with 401; its clients treat anything else as worth retrying.
        Response.StatusCode = rule?.Reference == true ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = "Forbidden", Detail = AccessPolicies.Refusal(caller, rule) },
        });
    }

    /// <summary>HF user access tokens and OAuth access tokens: <c>hf_</c> and URL-safe characters. Nothing else is worth a Hub call.</summary>
    public static bool LooksLikeHfToken(string token) =>
        token.Length is > 6 and <= 512 && token.StartsWith("hf_", StringComparison.Ordinal)
        && token.AsSpan(3).IndexOfAnyExcept(HfTokenCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> HfTokenCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    private static string HeaderSafe(string text) => new(text.Where(c => c is >= ' ' and <= '~' and not '"' and not '\\').ToArray());
}
