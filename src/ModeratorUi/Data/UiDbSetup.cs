using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Moderation.ServiceDefaults;

namespace Moderation.ModeratorUi.Data;

public static class UiDbSetup
{
    public static IServiceCollection AddUiDatabase(this IServiceCollection services)
    {
        services.AddDbContext<UiDb>((sp, options) =>
            UiDb.Configure(options, sp.GetRequiredService<IConfiguration>().GetConnectionString("Moderation") ?? ""));
        return services;
    }

    /// <summary>Migrates the key ring's schema, like AuthApi's (<c>migrate</c> argument, <c>Database:MigrateOnStart</c>).</summary>
    public static Task<bool> PrepareUiSchemaAsync(this IServiceProvider services, string[] args) =>
        services.PrepareSchemaAsync<UiDb>(args, UiDb.MigrationLock, TimeSpan.FromSeconds(60));
}
