using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class Contributions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "marked_contributions",
                table: "rollbacks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "contribution_hours",
                columns: table => new
                {
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    contributor = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    hour = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attributed = table.Column<bool>(type: "boolean", nullable: false),
                    credited_samples = table.Column<long>(type: "bigint", nullable: false),
                    claimed_samples = table.Column<long>(type: "bigint", nullable: false),
                    rolled_back_samples = table.Column<long>(type: "bigint", nullable: false),
                    reports = table.Column<int>(type: "integer", nullable: false),
                    clipped_reports = table.Column<int>(type: "integer", nullable: false),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contribution_hours", x => new { x.experiment_id, x.contributor, x.hour });
                    table.ForeignKey(
                        name: "fk_contribution_hours_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contribution_reports",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    peer_key_fingerprint = table.Column<string>(type: "character varying(43)", maxLength: 43, nullable: false),
                    step = table.Column<long>(type: "bigint", nullable: false),
                    samples = table.Column<long>(type: "bigint", nullable: false),
                    samples_per_second = table.Column<double>(type: "double precision", nullable: false),
                    mini_steps = table.Column<int>(type: "integer", nullable: false),
                    loss = table.Column<double>(type: "double precision", nullable: true),
                    time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reported_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    username = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: true),
                    credited_samples = table.Column<long>(type: "bigint", nullable: true),
                    clipped = table.Column<bool>(type: "boolean", nullable: false),
                    rolled_back = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contribution_reports", x => x.id);
                    table.ForeignKey(
                        name: "fk_contribution_reports_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "contribution_watermarks",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    last_report_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contribution_watermarks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "leaderboard_entries",
                columns: table => new
                {
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    time_window = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: true),
                    contributor = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    attributed = table.Column<bool>(type: "boolean", nullable: false),
                    banned = table.Column<bool>(type: "boolean", nullable: false),
                    credited_samples = table.Column<long>(type: "bigint", nullable: false),
                    claimed_samples = table.Column<long>(type: "bigint", nullable: false),
                    rolled_back_samples = table.Column<long>(type: "bigint", nullable: false),
                    active_hours = table.Column<int>(type: "integer", nullable: false),
                    steps = table.Column<int>(type: "integer", nullable: false),
                    clipped_reports = table.Column<int>(type: "integer", nullable: false),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_leaderboard_entries", x => new { x.experiment_id, x.time_window, x.position });
                    table.ForeignKey(
                        name: "fk_leaderboard_entries_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "leaderboard_states",
                columns: table => new
                {
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    centre_samples_per_second = table.Column<double>(type: "double precision", nullable: true),
                    built_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_leaderboard_states", x => x.experiment_id);
                    table.ForeignKey(
                        name: "fk_leaderboard_states_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "peer_progress",
                columns: table => new
                {
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    peer_key_fingerprint = table.Column<string>(type: "character varying(43)", maxLength: 43, nullable: false),
                    first_received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    credited_seconds = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_peer_progress", x => new { x.experiment_id, x.peer_key_fingerprint });
                    table.ForeignKey(
                        name: "fk_peer_progress_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "contribution_watermarks",
                columns: new[] { "id", "last_report_id" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_issued_tokens_experiment_id_peer_key_fingerprint_issued_at",
                table: "issued_tokens",
                columns: new[] { "experiment_id", "peer_key_fingerprint", "issued_at" });

            migrationBuilder.CreateIndex(
                name: "ix_contribution_hours_experiment_id_hour",
                table: "contribution_hours",
                columns: new[] { "experiment_id", "hour" });

            migrationBuilder.CreateIndex(
                name: "ix_contribution_reports_clipped",
                table: "contribution_reports",
                columns: new[] { "experiment_id", "id" },
                filter: "clipped");

            migrationBuilder.CreateIndex(
                name: "ix_contribution_reports_experiment_id_step",
                table: "contribution_reports",
                columns: new[] { "experiment_id", "step" });

            migrationBuilder.CreateIndex(
                name: "ix_contribution_reports_live",
                table: "contribution_reports",
                columns: new[] { "experiment_id", "peer_key_fingerprint", "step" },
                unique: true,
                filter: "NOT rolled_back");

            migrationBuilder.CreateIndex(
                name: "ix_contribution_reports_rolled_back",
                table: "contribution_reports",
                columns: new[] { "experiment_id", "id" },
                filter: "rolled_back");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contribution_hours");

            migrationBuilder.DropTable(
                name: "contribution_reports");

            migrationBuilder.DropTable(
                name: "contribution_watermarks");

            migrationBuilder.DropTable(
                name: "leaderboard_entries");

            migrationBuilder.DropTable(
                name: "leaderboard_states");

            migrationBuilder.DropTable(
                name: "peer_progress");

            migrationBuilder.DropIndex(
                name: "ix_issued_tokens_experiment_id_peer_key_fingerprint_issued_at",
                table: "issued_tokens");

            migrationBuilder.DropColumn(
                name: "marked_contributions",
                table: "rollbacks");
        }
    }
}
