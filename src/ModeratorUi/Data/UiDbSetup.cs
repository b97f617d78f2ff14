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

    public static Task MigrateUiDatabaseAsync(this IServiceProvider services) =>
        services.MigrateUnderLockAsync<UiDb>(UiDb.MigrationLock, TimeSpan.FromSeconds(60));
}
