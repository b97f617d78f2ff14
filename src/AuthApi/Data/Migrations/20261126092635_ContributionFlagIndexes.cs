using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class ContributionFlagIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_contribution_reports_clipped",
                table: "contribution_reports",
                columns: new[] { "experiment_id", "id" },
                filter: "clipped");

            migrationBuilder.CreateIndex(
                name: "ix_contribution_reports_rolled_back",
                table: "contribution_reports",
                columns: new[] { "experiment_id", "id" },
                filter: "rolled_back");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contribution_reports_clipped",
                table: "contribution_reports");

            migrationBuilder.DropIndex(
                name: "ix_contribution_reports_rolled_back",
                table: "contribution_reports");
        }
    }
}
