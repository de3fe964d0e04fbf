using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecommenderService.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CatalogueAvailabilityAndItemErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "available",
                table: "items",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "available_from",
                table: "items",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "available_until",
                table: "items",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "erased_items",
                columns: table => new
                {
                    external_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    erased_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erased_items", x => x.external_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_items_availability_rules",
                table: "items",
                column: "id",
                filter: "NOT available OR available_from IS NOT NULL OR available_until IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "erased_items");

            migrationBuilder.DropIndex(
                name: "ix_items_availability_rules",
                table: "items");

            migrationBuilder.DropColumn(
                name: "available",
                table: "items");

            migrationBuilder.DropColumn(
                name: "available_from",
                table: "items");

            migrationBuilder.DropColumn(
                name: "available_until",
                table: "items");
        }
    }
}
