using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <summary>A head start per account that its peer keys share, instead of a whole one for every new key.</summary>
    public partial class SharedHeadStarts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "head_start_seconds",
                table: "peer_progress",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            // Keys credited before this rule began with a whole interval of head start (600 s by default): they keep it.
            migrationBuilder.Sql("UPDATE peer_progress SET head_start_seconds = 600");

            migrationBuilder.CreateTable(
                name: "contributor_head_starts",
                columns: table => new
                {
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    contributor = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    seconds = table.Column<double>(type: "double precision", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contributor_head_starts", x => new { x.experiment_id, x.contributor });
                    table.ForeignKey(
                        name: "fk_contributor_head_starts_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contributor_head_starts");

            migrationBuilder.DropColumn(
                name: "head_start_seconds",
                table: "peer_progress");
        }
    }
}
