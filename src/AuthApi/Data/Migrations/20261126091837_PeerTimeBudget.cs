using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class PeerTimeBudget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "last_time",
                table: "peer_progress",
                newName: "last_received_at");

            migrationBuilder.AddColumn<double>(
                name: "credited_seconds",
                table: "peer_progress",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "first_received_at",
                table: "peer_progress",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            // Peers known before the time budget start with a fresh one (the span so far is unknown).
            migrationBuilder.Sql("UPDATE peer_progress SET first_received_at = last_received_at, credited_seconds = 0;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "credited_seconds",
                table: "peer_progress");

            migrationBuilder.DropColumn(
                name: "first_received_at",
                table: "peer_progress");

            migrationBuilder.RenameColumn(
                name: "last_received_at",
                table: "peer_progress",
                newName: "last_time");
        }
    }
}
