using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Moderation.AuthApi.Identity;

public static class IdentitySetup
{
    public static IServiceCollection AddHuggingFaceIdentity(this IServiceCollection services)
    {
        services.AddOptions<HfOptions>().BindConfiguration(HfOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ModerationOptions>().BindConfiguration(ModerationOptions.Section);
        services.AddMemoryCache();
        services.AddHttpClient(HfIdentityResolver.HttpClientName, (sp, client) =>
        {
            var baseUrl = sp.GetRequiredService<IOptions<HfOptions>>().Value.BaseUrl.TrimEnd('/') + "/";
            client.BaseAddress = new Uri(baseUrl);
            // The resolver bounds each lookup itself (HfOptions.TimeoutSeconds).
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
        services.AddSingleton<HfIdentityResolver>();
        services.AddSingleton<HfUsers>();
        services.AddAuthentication(HfBearerHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HfBearerHandler>(HfBearerHandler.SchemeName, null);
        services.AddAuthorization();
        return services;
    }
}
