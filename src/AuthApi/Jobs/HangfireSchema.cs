using System.Globalization;
using System.Text.RegularExpressions;
using Hangfire.PostgreSql;
using Moderation.ServiceDefaults;
using Npgsql;

namespace Moderation.AuthApi.Jobs;

/// <summary>
/// Hangfire's tables (schema <c>hangfire</c>), installed by the schema step with the migrations (<c>migrate</c>, or at
/// start-up with <c>Database:MigrateOnStart</c>) under their lock. Left to Hangfire.PostgreSql, every instance installs
/// them as it starts, and two starting at once race ("could not find tuple for constraint").
/// </summary>
public static partial class HangfireSchema
{
    public const string Name = "hangfire";

    public static LibrarySchema Library { get; } = new("Hangfire", Version, LatestVersion(), connection => PostgreSqlObjectsInstaller.Install(connection, Name));

    private static int? Version(NpgsqlConnection connection)
    {
        using var exists = new NpgsqlCommand($"SELECT to_regclass('{Name}.schema') IS NOT NULL", connection);
        if (!(bool)exists.ExecuteScalar()!)
        {
            return null;
        }
        using var version = new NpgsqlCommand($"SELECT max(version) FROM {Name}.schema", connection);
        return version.ExecuteScalar() is int value ? value : null;
    }

    /// <summary>The last of the installer's scripts (<c>Install.v23.sql</c>…) that this build of Hangfire.PostgreSql carries.</summary>
    private static int LatestVersion() =>
        typeof(PostgreSqlObjectsInstaller).Assembly.GetManifestResourceNames()
            .Select(n => ScriptName().Match(n)).Where(m => m.Success).Max(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"\.Install\.v(\d+)\.sql$")]
    private static partial Regex ScriptName();
}
