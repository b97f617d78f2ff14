using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer …</c>: a service key (<c>msk_…</c>) against the database, a peer JWT against
/// the experiment's keys and revocations, anything else as a Hugging Face token by asking Hugging Face who it belongs to.
/// </summary>
public sealed class HfBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    HfIdentityResolver resolver,
    ServiceKeys.ServiceKeyAuthenticator serviceKeys,
    PeerTokenAuthenticator peerTokens,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "HuggingFace";
    private const int MaxTokenLength = 4096;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <Hugging Face token>'.");
        }
        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > MaxTokenLength || token.Any(char.IsWhiteSpace))
        {
            return AuthenticateResult.Fail("The bearer token is empty, too long or contains spaces.");
        }

        if (ServiceKeys.ServiceKeyAuthenticator.LooksLikeServiceKey(token))
        {
            var serviceKey = await serviceKeys.AuthenticateAsync(token, SchemeName, Context.RequestAborted);
            return serviceKey is null
                ? AuthenticateResult.Fail("The service key is unknown or was revoked.")
                : AuthenticateResult.Success(new AuthenticationTicket(serviceKey, SchemeName));
        }
        if (PeerTokenAuthenticator.LooksLikePeerJwt(token))
        {
            var (peer, failure) = await peerTokens.AuthenticateAsync(token, SchemeName, Context.RequestAborted);
            return peer is null ? AuthenticateResult.Fail(failure!) : AuthenticateResult.Success(new AuthenticationTicket(peer, SchemeName));
        }
        var identity = await resolver.ResolveAsync(token, Context.RequestAborted);
        return identity is null
            ? AuthenticateResult.Fail("Hugging Face does not recognise this token: it is invalid, expired or revoked.")
            : AuthenticateResult.Success(new AuthenticationTicket(identity.ToPrincipal(SchemeName), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Authentication required",
                Detail = result.Failure?.Message
                    ?? "Send a Hugging Face access token as 'Authorization: Bearer hf_...'.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = Context.User.HasClaim(c => c.Type == ServiceKeys.ServiceKeyAuthenticator.KeyIdClaim)
                    ? "This endpoint needs a Hugging Face user's token; service keys may only report checkpoints and contributions."
                    : Context.User.IsPeer()
                        ? "A peer token may only report its own peer's contributions; this endpoint needs a Hugging Face user's token or a service key."
                        : "This endpoint is for auxiliary peers: send a service key with the scope it needs.",
            },
        });
    }
}
