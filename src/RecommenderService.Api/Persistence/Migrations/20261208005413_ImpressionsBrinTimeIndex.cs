using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecommenderService.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ImpressionsBrinTimeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_impressions_experiment_id",
                table: "impressions");

            migrationBuilder.DropIndex(
                name: "ix_impressions_served_at",
                table: "impressions");

            migrationBuilder.CreateIndex(
                name: "ix_impressions_served_at",
                table: "impressions",
                column: "served_at")
                .Annotation("Npgsql:IndexMethod", "brin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_impressions_served_at",
                table: "impressions");

            migrationBuilder.CreateIndex(
                name: "ix_impressions_experiment_id",
                table: "impressions",
                column: "experiment_id",
                filter: "experiment_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_impressions_served_at",
                table: "impressions",
                column: "served_at");
        }
    }
}
