using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.ModeratorUi.Data.Migrations
{
    /// <inheritdoc />
    public partial class ImportReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "import_reports",
                schema: "moderator_ui",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    experiment = table.Column<string>(type: "text", nullable: false),
                    imported_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    report = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_reports", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_import_reports_created_at",
                schema: "moderator_ui",
                table: "import_reports",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "import_reports",
                schema: "moderator_ui");
        }
    }
}
