using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class PeerTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "allowlist_entries",
                columns: table => new
                {
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    username = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    added_by = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    added_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_allowlist_entries", x => new { x.experiment_id, x.username });
                    table.ForeignKey(
                        name: "fk_allowlist_entries_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "bans",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    experiment_id = table.Column<int>(type: "integer", nullable: true),
                    username = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    evidence = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    banned_by = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lifted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lifted_by = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bans", x => x.id);
                    table.ForeignKey(
                        name: "fk_bans_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "experiment_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    kid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    public_key = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    protected_private_key = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    retired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    published_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiment_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_experiment_keys_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "issued_tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    username = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    user_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    peer_key_fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    peer_public_key = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    kid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    hivemind_signature = table.Column<string>(type: "text", nullable: false),
                    jwt = table.Column<string>(type: "text", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: true),
                    revocation_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_issued_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_issued_tokens_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_bans_experiment_id",
                table: "bans",
                column: "experiment_id");

            migrationBuilder.CreateIndex(
                name: "ix_bans_username_experiment_id",
                table: "bans",
                columns: new[] { "username", "experiment_id" });

            migrationBuilder.CreateIndex(
                name: "ix_experiment_keys_active",
                table: "experiment_keys",
                column: "experiment_id",
                unique: true,
                filter: "retired_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_experiment_keys_kid",
                table: "experiment_keys",
                column: "kid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_issued_tokens_experiment_id_expires_at",
                table: "issued_tokens",
                columns: new[] { "experiment_id", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_issued_tokens_experiment_id_username_peer_key_fingerprint_e",
                table: "issued_tokens",
                columns: new[] { "experiment_id", "username", "peer_key_fingerprint", "expires_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "allowlist_entries");

            migrationBuilder.DropTable(
                name: "bans");

            migrationBuilder.DropTable(
                name: "experiment_keys");

            migrationBuilder.DropTable(
                name: "issued_tokens");
        }
    }
}
