using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <summary>
    /// The index of a user's tokens per key carries revoked_at, so counting a user's live peer keys (every fresh join, twice)
    /// reads the index alone instead of one table row per token.
    /// </summary>
    public partial class LiveKeyCountFromTheIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_issued_tokens_experiment_id_user_id_peer_key_fingerprint_ex",
                table: "issued_tokens");

            migrationBuilder.CreateIndex(
                name: "ix_issued_tokens_experiment_id_user_id_peer_key_fingerprint_ex",
                table: "issued_tokens",
                columns: new[] { "experiment_id", "user_id", "peer_key_fingerprint", "expires_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "revoked_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_issued_tokens_experiment_id_user_id_peer_key_fingerprint_ex",
                table: "issued_tokens");

            migrationBuilder.CreateIndex(
                name: "ix_issued_tokens_experiment_id_user_id_peer_key_fingerprint_ex",
                table: "issued_tokens",
                columns: new[] { "experiment_id", "user_id", "peer_key_fingerprint", "expires_at" });
        }
    }
}
