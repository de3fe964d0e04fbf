using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecommenderService.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Impressions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "impressions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    list = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    strategy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    model_version = table.Column<int>(type: "integer", nullable: true),
                    experiment_id = table.Column<long>(type: "bigint", nullable: true),
                    arm = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    items = table.Column<string[]>(type: "text[]", nullable: false),
                    served_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_impressions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_impressions_experiment_id",
                table: "impressions",
                column: "experiment_id",
                filter: "experiment_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_impressions_served_at",
                table: "impressions",
                column: "served_at");

            migrationBuilder.CreateIndex(
                name: "ix_impressions_user_id",
                table: "impressions",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "impressions");
        }
    }
}
