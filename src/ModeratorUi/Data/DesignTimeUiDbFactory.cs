using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Moderation.ServiceDefaults;

namespace Moderation.ModeratorUi.Data;

/// <summary>For <c>dotnet ef migrations add</c> in this project.</summary>
public sealed class DesignTimeUiDbFactory : IDesignTimeDbContextFactory<UiDb>
{
    public UiDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<UiDb>();
        UiDb.Configure(options, "Host=127.0.0.1;Database=moderation;Username=moderation");
        return new UiDb(options.Options);
    }
}
