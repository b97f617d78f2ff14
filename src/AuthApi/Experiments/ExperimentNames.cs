namespace Moderation.AuthApi.Experiments;

/// <summary>How experiment names are kept unique: in the database, without regard to letter case (HF names are).</summary>
public static class ExperimentNames
{
    /// <summary>
    /// The unique index on <c>(lower(organization_name), lower(model_name))</c>, made by the migration
    /// <c>ExperimentNamesIgnoreCase</c> in SQL (EF Core's model has no expression indexes): two replicas creating
    /// <c>org/Model</c> and <c>ORG/model</c> at the same moment cannot both succeed.
    /// </summary>
    public const string UniqueIndex = "ux_experiments_names_ignoring_case";
}
