using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class RevokedPeerKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "revoked_peer_keys",
                columns: table => new
                {
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    peer_key_fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    username = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    revoked_by = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_revoked_peer_keys", x => new { x.experiment_id, x.peer_key_fingerprint });
                    table.ForeignKey(
                        name: "fk_revoked_peer_keys_experiments_experiment_id",
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
                name: "revoked_peer_keys");
        }
    }
}
