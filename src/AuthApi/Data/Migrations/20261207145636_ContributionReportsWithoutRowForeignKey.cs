using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class ContributionReportsWithoutRowForeignKey : Migration
    {
        /// <summary>
        /// PostgreSQL checked this key once per inserted report; ContributionStore now checks the experiment once per batch
        /// (locking its row as the key check did) and deleting an experiment deletes its reports (ExperimentService).
        /// </summary>
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_contribution_reports_experiments_experiment_id",
                table: "contribution_reports");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddForeignKey(
                name: "fk_contribution_reports_experiments_experiment_id",
                table: "contribution_reports",
                column: "experiment_id",
                principalTable: "experiments",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
