namespace Moderation.AuthApi.Allowlist;

public static class AllowlistSetup
{
    public static IServiceCollection AddAllowlist(this IServiceCollection services) => services.AddScoped<AllowlistImport>();
}
