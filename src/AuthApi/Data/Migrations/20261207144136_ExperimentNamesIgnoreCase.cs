using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <summary>
    /// Experiment names are unique without regard to letter case, in the database (<c>Experiments/ExperimentNames</c>):
    /// the check in code alone let two replicas create <c>org/Model</c> and <c>ORG/model</c> at the same moment. Names that
    /// already clash keep the oldest experiment as it is; each later one is renamed <c>&lt;model&gt;-dup&lt;id&gt;</c> (its
    /// owners can rename it through the API) and listed in the migration's notice.
    /// </summary>
    public partial class ExperimentNamesIgnoreCase : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DO $$
                DECLARE renamed text;
                BEGIN
                    WITH ranked AS (
                        SELECT id, row_number() OVER (PARTITION BY lower(organization_name), lower(model_name) ORDER BY created_at, id) AS n
                        FROM experiments
                    ), changed AS (
                        UPDATE experiments e
                        SET model_name = rtrim(left(e.model_name, 96 - length('-dup' || e.id)), '-._') || '-dup' || e.id
                        FROM ranked r
                        WHERE r.id = e.id AND r.n > 1
                        RETURNING e.id, e.organization_name || '/' || e.model_name AS name
                    )
                    SELECT string_agg(id || ' → ' || name, ', ') INTO renamed FROM changed;
                    IF renamed IS NOT NULL THEN
                        RAISE NOTICE 'Experiments whose names differed from an older one''s only in letter case were renamed: %', renamed;
                    END IF;
                END $$;
                """);
            migrationBuilder.Sql("CREATE UNIQUE INDEX ux_experiments_names_ignoring_case ON experiments (lower(organization_name), lower(model_name));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ux_experiments_names_ignoring_case;");
        }
    }
}
