using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace RecommenderService.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OutcomeEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "outcome_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    user_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    item_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: true),
                    recommendation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outcome_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_outcome_events_occurred_at",
                table: "outcome_events",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "ix_outcome_events_recommendation_id",
                table: "outcome_events",
                column: "recommendation_id",
                filter: "recommendation_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outcome_events_user_id",
                table: "outcome_events",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "outcome_events");
        }
    }
}
