using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class IdentityById : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "hf_users",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    username = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: false),
                    seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hf_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_jobs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    argument = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "peer_key_conflicts",
                columns: table => new
                {
                    experiment_id = table.Column<int>(type: "integer", nullable: false),
                    peer_key_fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    claimant_user_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    owner_user_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    first_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_peer_key_conflicts", x => new { x.experiment_id, x.peer_key_fingerprint, x.claimant_user_id });
                    table.ForeignKey(
                        name: "fk_peer_key_conflicts_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "peer_keys",
                columns: table => new
                {
                    fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    first_experiment_id = table.Column<int>(type: "integer", nullable: false),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_peer_keys", x => x.fingerprint);
                });

            migrationBuilder.CreateTable(
                name: "used_proofs",
                columns: table => new
                {
                    peer_key_fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    jti = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_used_proofs", x => new { x.peer_key_fingerprint, x.jti });
                });

            migrationBuilder.AddColumn<string>(
                name: "user_id",
                table: "revoked_peer_keys",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "allowed_checkpoint_repositories",
                table: "experiments",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<int>(
                name: "max_peer_keys_per_user",
                table: "experiments",
                type: "integer",
                nullable: false,
                defaultValue: 100);

            migrationBuilder.AddColumn<string>(
                name: "user_id",
                table: "experiment_members",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "user_id",
                table: "contribution_reports",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "user_id",
                table: "bans",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "user_id",
                table: "allowlist_entries",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "user_id",
                table: "join_requests",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.AlterColumn<string>(
                name: "user_id",
                table: "issued_tokens",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.Sql(MoveNamesToIds);

            migrationBuilder.DropIndex(
                name: "ix_join_requests_one_pending",
                table: "join_requests");

            migrationBuilder.DropIndex(
                name: "ix_issued_tokens_experiment_id_username_peer_key_fingerprint_e",
                table: "issued_tokens");

            migrationBuilder.DropPrimaryKey(
                name: "pk_experiment_members",
                table: "experiment_members");

            migrationBuilder.DropIndex(
                name: "ix_experiment_members_username",
                table: "experiment_members");

            migrationBuilder.DropIndex(
                name: "ix_bans_username_experiment_id",
                table: "bans");

            migrationBuilder.DropPrimaryKey(
                name: "pk_allowlist_entries",
                table: "allowlist_entries");

            migrationBuilder.DropColumn(
                name: "username",
                table: "revoked_peer_keys");

            migrationBuilder.DropColumn(
                name: "username",
                table: "join_requests");

            migrationBuilder.DropColumn(
                name: "username",
                table: "experiment_members");

            migrationBuilder.DropColumn(
                name: "username",
                table: "contribution_reports");

            migrationBuilder.DropColumn(
                name: "username",
                table: "bans");

            migrationBuilder.DropColumn(
                name: "username",
                table: "allowlist_entries");

            migrationBuilder.Sql("ALTER TABLE revoked_peer_keys ALTER COLUMN user_id SET NOT NULL");
            migrationBuilder.Sql("ALTER TABLE experiment_members ALTER COLUMN user_id SET NOT NULL");
            migrationBuilder.Sql("ALTER TABLE bans ALTER COLUMN user_id SET NOT NULL");
            migrationBuilder.Sql("ALTER TABLE allowlist_entries ALTER COLUMN user_id SET NOT NULL");

            migrationBuilder.AddPrimaryKey(
                name: "pk_experiment_members",
                table: "experiment_members",
                columns: new[] { "experiment_id", "user_id" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_allowlist_entries",
                table: "allowlist_entries",
                columns: new[] { "experiment_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_join_requests_one_pending",
                table: "join_requests",
                columns: new[] { "experiment_id", "user_id" },
                unique: true,
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_join_requests_user_id",
                table: "join_requests",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_issued_tokens_experiment_id_user_id_peer_key_fingerprint_ex",
                table: "issued_tokens",
                columns: new[] { "experiment_id", "user_id", "peer_key_fingerprint", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_experiment_members_user_id",
                table: "experiment_members",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_bans_user_id_experiment_id",
                table: "bans",
                columns: new[] { "user_id", "experiment_id" });

            migrationBuilder.CreateIndex(
                name: "ix_allowlist_entries_user_id",
                table: "allowlist_entries",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_hf_users_username",
                table: "hf_users",
                column: "username");

            migrationBuilder.CreateIndex(
                name: "ix_peer_keys_user_id",
                table: "peer_keys",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_used_proofs_expires_at",
                table: "used_proofs",
                column: "expires_at");

            migrationBuilder.AddCheckConstraint(
                name: "ck_experiments_max_peer_keys",
                table: "experiments",
                sql: "max_peer_keys_per_user > 0");

            migrationBuilder.AddForeignKey(
                name: "fk_allowlist_entries_hf_users_user_id",
                table: "allowlist_entries",
                column: "user_id",
                principalTable: "hf_users",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_bans_hf_users_user_id",
                table: "bans",
                column: "user_id",
                principalTable: "hf_users",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_experiment_members_hf_users_user_id",
                table: "experiment_members",
                column: "user_id",
                principalTable: "hf_users",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_join_requests_hf_users_user_id",
                table: "join_requests",
                column: "user_id",
                principalTable: "hf_users",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <summary>
        /// Facts stored by name get the account's HF id: from the tokens and join requests that recorded both, else a
        /// placeholder ("legacy:" + the name) that <c>LegacyAccounts</c> replaces once the Hub has been asked. Owner rows
        /// were all creator grants, which no longer exist: org admins own without a row.
        /// </summary>
        private const string MoveNamesToIds = """
            INSERT INTO hf_users (id, username, seen_at)
            SELECT DISTINCT ON (user_id) user_id, username, seen_at
            FROM (SELECT user_id, username, issued_at AS seen_at FROM issued_tokens
                  UNION ALL SELECT user_id, username, created_at FROM join_requests) known
            ORDER BY user_id, seen_at DESC
            ON CONFLICT (id) DO NOTHING;

            INSERT INTO hf_users (id, username, seen_at)
            SELECT DISTINCT 'legacy:' || lower(name), min(name), now()
            FROM (SELECT username AS name FROM bans UNION ALL SELECT username FROM allowlist_entries
                  UNION ALL SELECT username FROM experiment_members UNION ALL SELECT username FROM revoked_peer_keys
                  UNION ALL SELECT username FROM contribution_reports WHERE username IS NOT NULL) named
            WHERE NOT EXISTS (SELECT 1 FROM hf_users u WHERE lower(u.username) = lower(named.name))
            GROUP BY lower(name)
            ON CONFLICT (id) DO NOTHING;

            CREATE TEMPORARY TABLE name_ids ON COMMIT DROP AS
            SELECT DISTINCT ON (lower(username)) lower(username) AS name, id FROM hf_users
            ORDER BY lower(username), id LIKE 'legacy:%', seen_at DESC;

            UPDATE bans t SET user_id = n.id FROM name_ids n WHERE n.name = lower(t.username);
            UPDATE allowlist_entries t SET user_id = n.id FROM name_ids n WHERE n.name = lower(t.username);
            UPDATE experiment_members t SET user_id = n.id FROM name_ids n WHERE n.name = lower(t.username);
            UPDATE revoked_peer_keys t SET user_id = n.id FROM name_ids n WHERE n.name = lower(t.username);
            UPDATE contribution_reports t SET user_id = n.id FROM name_ids n WHERE n.name = lower(t.username);
            UPDATE contribution_hours t SET contributor = n.id FROM name_ids n WHERE t.attributed AND n.name = lower(t.contributor);
            UPDATE leaderboard_entries t SET contributor = n.id FROM name_ids n WHERE t.attributed AND n.name = lower(t.contributor);

            DELETE FROM experiment_members WHERE role = 'Owner';
            DELETE FROM allowlist_entries a USING allowlist_entries b
            WHERE a.experiment_id = b.experiment_id AND a.user_id = b.user_id AND a.ctid > b.ctid;
            DELETE FROM experiment_members a USING experiment_members b
            WHERE a.experiment_id = b.experiment_id AND a.user_id = b.user_id AND a.ctid > b.ctid;
            UPDATE join_requests a SET status = 'Rejected', decision_reason = 'Merged with another pending request of the same account.'
            FROM join_requests b
            WHERE a.status = 'Pending' AND b.status = 'Pending' AND a.experiment_id = b.experiment_id AND a.user_id = b.user_id AND a.id > b.id;

            INSERT INTO peer_keys (fingerprint, user_id, first_experiment_id, claimed_at)
            SELECT DISTINCT ON (peer_key_fingerprint) peer_key_fingerprint, user_id, experiment_id, issued_at
            FROM issued_tokens ORDER BY peer_key_fingerprint, issued_at;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_allowlist_entries_hf_users_user_id",
                table: "allowlist_entries");

            migrationBuilder.DropForeignKey(
                name: "fk_bans_hf_users_user_id",
                table: "bans");

            migrationBuilder.DropForeignKey(
                name: "fk_experiment_members_hf_users_user_id",
                table: "experiment_members");

            migrationBuilder.DropForeignKey(
                name: "fk_join_requests_hf_users_user_id",
                table: "join_requests");

            migrationBuilder.DropTable(
                name: "hf_users");

            migrationBuilder.DropTable(
                name: "outbox_jobs");

            migrationBuilder.DropTable(
                name: "peer_key_conflicts");

            migrationBuilder.DropTable(
                name: "peer_keys");

            migrationBuilder.DropTable(
                name: "used_proofs");

            migrationBuilder.DropIndex(
                name: "ix_join_requests_one_pending",
                table: "join_requests");

            migrationBuilder.DropIndex(
                name: "ix_join_requests_user_id",
                table: "join_requests");

            migrationBuilder.DropIndex(
                name: "ix_issued_tokens_experiment_id_user_id_peer_key_fingerprint_ex",
                table: "issued_tokens");

            migrationBuilder.DropCheckConstraint(
                name: "ck_experiments_max_peer_keys",
                table: "experiments");

            migrationBuilder.DropPrimaryKey(
                name: "pk_experiment_members",
                table: "experiment_members");

            migrationBuilder.DropIndex(
                name: "ix_experiment_members_user_id",
                table: "experiment_members");

            migrationBuilder.DropIndex(
                name: "ix_bans_user_id_experiment_id",
                table: "bans");

            migrationBuilder.DropPrimaryKey(
                name: "pk_allowlist_entries",
                table: "allowlist_entries");

            migrationBuilder.DropIndex(
                name: "ix_allowlist_entries_user_id",
                table: "allowlist_entries");

            migrationBuilder.DropColumn(
                name: "user_id",
                table: "revoked_peer_keys");

            migrationBuilder.DropColumn(
                name: "allowed_checkpoint_repositories",
                table: "experiments");

            migrationBuilder.DropColumn(
                name: "max_peer_keys_per_user",
                table: "experiments");

            migrationBuilder.DropColumn(
                name: "user_id",
                table: "experiment_members");

            migrationBuilder.DropColumn(
                name: "user_id",
                table: "contribution_reports");

            migrationBuilder.DropColumn(
                name: "user_id",
                table: "bans");

            migrationBuilder.DropColumn(
                name: "user_id",
                table: "allowlist_entries");

            migrationBuilder.AddColumn<string>(
                name: "username",
                table: "revoked_peer_keys",
                type: "character varying(96)",
                maxLength: 96,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<string>(
                name: "user_id",
                table: "join_requests",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(128)",
                oldMaxLength: 128);

            migrationBuilder.AddColumn<string>(
                name: "username",
                table: "join_requests",
                type: "character varying(96)",
                maxLength: 96,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<string>(
                name: "user_id",
                table: "issued_tokens",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(128)",
                oldMaxLength: 128);

            migrationBuilder.AddColumn<string>(
                name: "username",
                table: "experiment_members",
                type: "character varying(96)",
                maxLength: 96,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "username",
                table: "contribution_reports",
                type: "character varying(96)",
                maxLength: 96,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "username",
                table: "bans",
                type: "character varying(96)",
                maxLength: 96,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "username",
                table: "allowlist_entries",
                type: "character varying(96)",
                maxLength: 96,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "pk_experiment_members",
                table: "experiment_members",
                columns: new[] { "experiment_id", "username" });

            migrationBuilder.AddPrimaryKey(
                name: "pk_allowlist_entries",
                table: "allowlist_entries",
                columns: new[] { "experiment_id", "username" });

            migrationBuilder.CreateIndex(
                name: "ix_join_requests_one_pending",
                table: "join_requests",
                columns: new[] { "experiment_id", "username" },
                unique: true,
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_issued_tokens_experiment_id_username_peer_key_fingerprint_e",
                table: "issued_tokens",
                columns: new[] { "experiment_id", "username", "peer_key_fingerprint", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_experiment_members_username",
                table: "experiment_members",
                column: "username");

            migrationBuilder.CreateIndex(
                name: "ix_bans_username_experiment_id",
                table: "bans",
                columns: new[] { "username", "experiment_id" });
        }
    }
}
