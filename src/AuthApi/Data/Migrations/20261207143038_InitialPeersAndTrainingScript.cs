using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Moderation.AuthApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialPeersAndTrainingScript : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "initial_peers",
                table: "service_keys",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "initial_peers_published_at",
                table: "service_keys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "initial_peers",
                table: "experiments",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<List<string>>(
                name: "published_initial_peers",
                table: "experiments",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<string>(
                name: "training_script_url",
                table: "experiments",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "initial_peers",
                table: "service_keys");

            migrationBuilder.DropColumn(
                name: "initial_peers_published_at",
                table: "service_keys");

            migrationBuilder.DropColumn(
                name: "initial_peers",
                table: "experiments");

            migrationBuilder.DropColumn(
                name: "published_initial_peers",
                table: "experiments");

            migrationBuilder.DropColumn(
                name: "training_script_url",
                table: "experiments");
        }
    }
}
