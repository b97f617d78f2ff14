using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Checks the OIDC id_token that must come with an HF OAuth access token. The Hub tells nobody which OAuth app an access
/// token was issued to, nor its scopes (whoami-v2 and userinfo answer any app's token alike, and there is no
/// introspection endpoint), so an OAuth access token alone is no authority here: any "Sign in with HF" site holds one.
/// What only our console holds is the id_token of its own sign-in: signed by the Hub (its keys at <c>/oauth/jwks</c>),
/// issued by the Hub, with <c>aud</c> = our OAuth app's client id (<see cref="HfOptions.ClientId"/>). Its <c>sub</c> must
/// be the access token's user. It is accepted for <see cref="HfOptions.OAuthSessionHours"/> after it was issued (the
/// console's session), not only until its own short <c>exp</c>: it stands for "this token pair came from our app's
/// sign-in", and the access token's own validity is the Hub's to say.
/// </summary>
public sealed class HubIdTokens(IHttpClientFactory httpClients, IOptions<HfOptions> options, TimeProvider clock) : IDisposable
{
    public const string Header = "X-HF-Id-Token";

    private static readonly TimeSpan KeysKeptFor = TimeSpan.FromHours(1);
    private static readonly TimeSpan RefetchAtMostEvery = TimeSpan.FromSeconds(10);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private volatile Keys? _keys;

    /// <returns>The Hub user id (<c>sub</c>) the id_token was issued for, or the reason it is refused.</returns>
    /// <exception cref="HfUnavailableException">The Hub's signing keys could not be fetched.</exception>
    public async Task<(string? Subject, string? Refusal)> ValidateAsync(string idToken, CancellationToken ct)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.ClientId))
        {
            return (null, "This service accepts no Hugging Face OAuth tokens (HuggingFace:ClientId is not set): send an HF user access token.");
        }
        var result = await _handler.ValidateTokenAsync(idToken, Parameters(settings, await KeysAsync(null, ct)));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException && _keys is { } stale)
        {
            // The Hub may have rotated its keys since they were fetched.
            result = await _handler.ValidateTokenAsync(idToken, Parameters(settings, await KeysAsync(stale, ct)));
        }
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return (null, result.Exception switch
            {
                SecurityTokenInvalidAudienceException => "The id_token was issued to another OAuth app, not to this service's console.",
                SecurityTokenInvalidIssuerException => "The id_token was not issued by Hugging Face.",
                _ => "The id_token is not a valid Hugging Face id_token.",
            });
        }
        var now = clock.GetUtcNow();
        var issuedAt = new DateTimeOffset(DateTime.SpecifyKind(token.IssuedAt, DateTimeKind.Utc));
        if (token.IssuedAt == DateTime.MinValue || issuedAt > now + TimeSpan.FromMinutes(5) || now - issuedAt > TimeSpan.FromHours(settings.OAuthSessionHours))
        {
            return (null, $"The id_token is more than {settings.OAuthSessionHours} hours old (or has no iat): sign in again.");
        }
        return string.IsNullOrEmpty(token.Subject) ? (null, "The id_token names no user (sub).") : (token.Subject, null);
    }

    private static TokenValidationParameters Parameters(HfOptions settings, IList<SecurityKey> keys) => new()
    {
        ValidIssuer = settings.BaseUrl.TrimEnd('/'),
        ValidAudience = settings.ClientId,
        IssuerSigningKeys = keys,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        ValidateLifetime = false,
        RequireExpirationTime = false,
    };

    /// <param name="replacing">Keys that did not verify a token: fetched again unless they are very recent.</param>
    private async Task<IList<SecurityKey>> KeysAsync(Keys? replacing, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_keys is { } current && current != replacing && now - current.FetchedAt < KeysKeptFor)
        {
            return current.SigningKeys;
        }
        await _fetching.WaitAsync(ct);
        try
        {
            if (_keys is { } fetched && (fetched != replacing || now - fetched.FetchedAt < RefetchAtMostEvery) && now - fetched.FetchedAt < KeysKeptFor)
            {
                return fetched.SigningKeys;
            }
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
            string json;
            try
            {
                json = await httpClients.CreateClient(HubClientSetup.LookupClient).GetStringAsync("oauth/jwks", deadline.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException
                                       || ex is OperationCanceledException && !ct.IsCancellationRequested)
            {
                throw new HfUnavailableException("Hugging Face's signing keys (for the id_token) could not be fetched.", ex);
            }
            var keys = new Keys(new JsonWebKeySet(json).GetSigningKeys(), now);
            _keys = keys;
            return keys.SigningKeys;
        }
        finally
        {
            _fetching.Release();
        }
    }

    public void Dispose() => _fetching.Dispose();

    private sealed record Keys(IList<SecurityKey> SigningKeys, DateTimeOffset FetchedAt);
}
