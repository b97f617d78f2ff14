using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Jobs;
using Moderation.Tests.Infrastructure;
using Npgsql;

namespace Moderation.Tests.Production;

/// <summary>
/// The schema as a deployment step: <c>migrate</c> applies it and tells the process to exit; a server started with
/// <c>Database:MigrateOnStart=false</c> refuses to start while a migration is pending or Hangfire's schema is missing, and
/// changes nothing.
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
                Assert.Equal(HangfireSchema.Library.Latest, await HangfireVersionAsync(connectionString));
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
    public async Task HangfiresSchemaIsInstalledByTheSchemaStepAndAServerThatMayNotMigrateRefusesToStartWithoutIt()
    {
        var cluster = await PostgresCluster.Shared;
        var connectionString = await cluster.CreateMigratedDatabaseAsync("schema_hangfire");
        try
        {
            await ExecuteAsync(connectionString, $"DROP SCHEMA {HangfireSchema.Name} CASCADE");
            await using (var server = Services(connectionString, migrateOnStart: false))
            {
                var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => server.PrepareSchemaAsync([]));
                Assert.Contains($"Hangfire's schema is at version none, this build needs {HangfireSchema.Library.Latest}", refusal.Message, StringComparison.Ordinal);
                Assert.Contains("dotnet Moderation.AuthApi.dll migrate", refusal.Message, StringComparison.Ordinal);
            }
            await using (var step = Services(connectionString, migrateOnStart: false))
            {
                Assert.False(await step.PrepareSchemaAsync(["migrate"]));
            }
            Assert.Equal(HangfireSchema.Library.Latest, await HangfireVersionAsync(connectionString));
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

    private static async Task<int?> HangfireVersionAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT max(version) FROM {HangfireSchema.Name}.schema", connection);
        return await command.ExecuteScalarAsync() as int?;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> PendingAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ModerationDb>().Database.GetPendingMigrationsAsync()).ToList();
    }
}
