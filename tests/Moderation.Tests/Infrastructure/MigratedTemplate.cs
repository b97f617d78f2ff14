using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.Tests.Infrastructure;

/// <summary>
/// A database with AuthApi's committed migrations and Hangfire's schema applied, made once per cluster and copied by
/// PostgreSQL (<c>CREATE DATABASE … TEMPLATE</c>) for each test class: far faster than migrating every class's
/// database. The host still runs its migration step at start and finds nothing left to apply.
/// </summary>
public static class MigratedTemplate
{
    /// <summary>Creates the template database <paramref name="name"/> on the cluster and migrates it.</summary>
    public static async Task CreateAsync(string adminConnectionString, string name)
    {
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        // No pooling: a connection left open to a template stops PostgreSQL from copying it.
        var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = false }.ConnectionString;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Moderation"] = connectionString })
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddModerationDatabase();
        await using (var provider = services.BuildServiceProvider())
        {
            await provider.PrepareSchemaAsync(["migrate"]); // the deployment step: applies the schema and Hangfire's, "exit"
        }
    }
}
