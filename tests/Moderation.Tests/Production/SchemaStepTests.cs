using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Data;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Production;

/// <summary>
/// The schema as a deployment step: <c>migrate</c> applies it and tells the process to exit; a server started with
/// <c>Database:MigrateOnStart=false</c> refuses to start while a migration is pending, and changes nothing.
/// </summary>
public sealed class SchemaStepTests
{
    [Fact]
    public async Task AServerThatMayNotMigrateRefusesAPendingSchemaUntilMigrateHasRun()
    {
        var cluster = await PostgresCluster.Shared;
        var connectionString = await cluster.CreateDatabaseAsync("schema_step");
        try
        {
            await using (var server = Services(connectionString, migrateOnStart: false))
            {
                var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => server.PrepareSchemaAsync([]));
                Assert.Contains("Database:MigrateOnStart is false", refusal.Message, StringComparison.Ordinal);
                Assert.Contains("dotnet Moderation.AuthApi.dll migrate", refusal.Message, StringComparison.Ordinal);
                Assert.NotEmpty(await PendingAsync(server)); // the refusal applied nothing
            }
            await using (var step = Services(connectionString, migrateOnStart: false))
            {
                Assert.False(await step.PrepareSchemaAsync(["migrate"])); // applied; the process exits
                Assert.Empty(await PendingAsync(step));
            }
            await using (var server = Services(connectionString, migrateOnStart: false))
            {
                Assert.True(await server.PrepareSchemaAsync([]));
            }
        }
        finally
        {
            await cluster.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task ByDefaultTheServerAppliesTheSchemaItselfAndServes()
    {
        var cluster = await PostgresCluster.Shared;
        var connectionString = await cluster.CreateDatabaseAsync("schema_default");
        try
        {
            await using var server = Services(connectionString, migrateOnStart: null);
            Assert.True(await server.PrepareSchemaAsync([]));
            Assert.Empty(await PendingAsync(server));
        }
        finally
        {
            await cluster.DropDatabaseAsync(connectionString);
        }
    }

    private static ServiceProvider Services(string connectionString, bool? migrateOnStart)
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Moderation"] = connectionString };
        if (migrateOnStart is { } value)
        {
            settings["Database:MigrateOnStart"] = value.ToString();
        }
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging();
        services.AddModerationDatabase();
        return services.BuildServiceProvider();
    }

    private static async Task<List<string>> PendingAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ModerationDb>().Database.GetPendingMigrationsAsync()).ToList();
    }
}
