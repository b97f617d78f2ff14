using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class GrantedById : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "granted_by_id",
                table: "experiment_members",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            // Grants made before: the granting owner is known by the name the audit log gave them. Matched to an account
            // only where exactly one account this service has seen had that name (accounts can be renamed).
            migrationBuilder.Sql("""
                UPDATE experiment_members m SET granted_by_id = u.id
                FROM hf_users u
                WHERE lower(u.username) = lower(m.granted_by) AND u.id NOT LIKE 'legacy:%'
                  AND (SELECT count(*) FROM hf_users o WHERE lower(o.username) = lower(m.granted_by) AND o.id NOT LIKE 'legacy:%') = 1;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "granted_by_id",
                table: "experiment_members");
        }
    }
}
