using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <summary>
    /// Only a global admin may now list a checkpoint repository outside the experiment's organization. Entries listed
    /// before could have been added by any owner and carry no such approval: they are dropped (a global admin adds them
    /// again). The experiment's own organization's entries stay.
    /// </summary>
    public partial class ForeignCheckpointRepositoriesNeedGlobalAdmin : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE experiments SET allowed_checkpoint_repositories = ARRAY(
                    SELECT r FROM unnest(allowed_checkpoint_repositories) AS r
                    WHERE lower(split_part(r, '/', 1)) = lower(organization_name))
                WHERE EXISTS (SELECT 1 FROM unnest(allowed_checkpoint_repositories) AS r
                              WHERE lower(split_part(r, '/', 1)) <> lower(organization_name));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The dropped entries are in the audit log (experiment.updated), not restored here.
        }
    }
}
