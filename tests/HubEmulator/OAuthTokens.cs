using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.HubEmulator;

/// <summary>
/// OAuth access tokens and id_tokens, as the Hub issues them to an OAuth app: the access token (<c>hf_oauth_…</c>) works at
/// userinfo and whoami-v2 for whichever app it was issued to, and neither says which app that was nor its scopes; only the
/// id_token names the app (<c>aud</c> = its client id).
/// </summary>
public static class OAuthTokens
{
    public sealed record Issued(string AccessToken, string IdToken, int ExpiresIn);

    public static Issued Issue(HubState state, SigningKey key, string origin, string clientId, HubUser user, string scope, string? nonce)
    {
        var accessToken = Oidc.RandomToken("hf_oauth_");
        const int lifetime = 8 * 3600;
        state.AccessTokens[accessToken] = new OAuthGrant(user, scope, DateTimeOffset.UtcNow.AddSeconds(lifetime), clientId);
        var claims = Oidc.UserClaims(user, scope, origin);
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = origin,
            Audience = clientId,
            Claims = claims,
            IssuedAt = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.RsaSha256),
        });
        return new Issued(accessToken, idToken, lifetime);
    }

    /// <summary>A live OAuth grant for <paramref name="token"/>, or null.</summary>
    public static OAuthGrant? Find(HubState state, string? token) =>
        token is not null && state.AccessTokens.TryGetValue(token, out var grant) && grant.ExpiresAt >= DateTimeOffset.UtcNow ? grant : null;
}
