using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Moderation.AuthApi.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a database or the web host.</summary>
public sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<ModerationDb>
{
    public ModerationDb CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<ModerationDb>()
        .UseNpgsql("Host=localhost;Database=moderation_design")
        .UseSnakeCaseNamingConvention()
        .Options);
}
