using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Caching.Memory;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Account;

/// <summary>
/// Whether the signed-in user is a global admin of the service, as AuthApi says (<c>/api/v1/me</c>), remembered for half
/// a minute per user: the jobs dashboard polls every few seconds and every page asks whether to link to it.
/// </summary>
public sealed class GlobalAdmins(IMemoryCache cache, AuthApiClient api)
{
    public const string Policy = "global-admins";
    private static readonly TimeSpan RememberedFor = TimeSpan.FromSeconds(30);

    public async Task<bool> IsGlobalAdminAsync(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated != true || http.User.FindFirst("sub")?.Value is not { } user)
        {
            return false;
        }
        return await cache.GetOrCreateAsync("global-admin:" + user, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = RememberedFor;
            var me = await api.GetMeAsync(http.RequestAborted);
            if (me.Value is null)
            {
                // AuthApi did not answer: ask again soon rather than refuse for half a minute.
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1);
                return false;
            }
            return me.Value.IsGlobalAdmin;
        });
    }

    /// <summary>The authorization policy <see cref="Policy"/>: signed in, and a global admin.</summary>
    public static void AddPolicy(AuthorizationOptions options) => options.AddPolicy(Policy, policy => policy
        .RequireAuthenticatedUser()
        .RequireAssertion(async context => context.Resource is HttpContext http
            && await http.RequestServices.GetRequiredService<GlobalAdmins>().IsGlobalAdminAsync(http)));
}
