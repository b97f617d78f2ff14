using Npgsql;

namespace Moderation.ServiceDefaults;

/// <summary>
/// A library's own tables in the application's database (Hangfire's), installed by the schema step
/// (<see cref="Database.PrepareSchemaAsync{TContext}"/>) under the migration lock, once, rather than by each instance as
/// it starts.
/// </summary>
/// <param name="Version">The installed version on an open connection; null when the schema is not there.</param>
/// <param name="Latest">The version this build installs.</param>
/// <param name="Install">Installs or upgrades it on an open connection (doing nothing when it is current).</param>
public sealed record LibrarySchema(string Name, Func<NpgsqlConnection, int?> Version, int Latest, Action<NpgsqlConnection> Install);
