namespace Moderation.ServiceDefaults;

/// <summary>How a serving process treats the database schema at start-up (see <see cref="Database.PrepareSchemaAsync{TContext}"/>).</summary>
public sealed class SchemaOptions
{
    public const string Section = "Database";

    /// <summary>
    /// Apply pending migrations at start-up (the default). False where a deployment step runs <c>migrate</c> first: the
    /// process then refuses to start while a migration is pending.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;
}
