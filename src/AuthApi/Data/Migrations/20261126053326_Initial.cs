using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "experiments",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organization_name = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    model_name = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    coordinator_ip = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: true),
                    coordinator_port = table.Column<int>(type: "integer", nullable: true),
                    access_policy = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    token_lifetime_minutes = table.Column<int>(type: "integer", nullable: false),
                    leaderboard_visible = table.Column<bool>(type: "boolean", nullable: false),
                    created_by = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiments", x => x.id);
                    table.CheckConstraint("ck_experiments_coordinator_port", "coordinator_port BETWEEN 1 AND 65535");
                    table.CheckConstraint("ck_experiments_token_lifetime", "token_lifetime_minutes > 0");
                });

            migrationBuilder.CreateTable(
                name: "experiment_members",
                columns: table => new
                {
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    username = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    granted_by = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiment_members", x => new { x.experiment_id, x.username });
                    table.ForeignKey(
                        name: "fk_experiment_members_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_experiment_members_username",
                table: "experiment_members",
                column: "username");

            migrationBuilder.CreateIndex(
                name: "ix_experiments_organization_name_model_name",
                table: "experiments",
                columns: new[] { "organization_name", "model_name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "experiment_members");

            migrationBuilder.DropTable(
                name: "experiments");
        }
    }
}
