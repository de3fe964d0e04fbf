using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RecommenderService.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class NewcomerLists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "liked_count",
                table: "item_stats",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "liked_count",
                table: "item_stat_changes",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "liked_count",
                table: "item_daily_stats",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "item_stats_settings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    liked_threshold = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_item_stats_settings", x => x.id);
                    table.CheckConstraint("ck_item_stats_settings_one_row", "id = 1");
                });

            // The rating triggers also count liked ratings, by the threshold in item_stats_settings (no row: none is
            // liked until the service sets it on start and recounts, LikedCountThreshold). Read once per statement.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION record_item_stat_changes() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    liked float8 := (SELECT liked_threshold FROM item_stats_settings WHERE id = 1);
                BEGIN
                    IF TG_OP = 'TRUNCATE' THEN
                        -- No rating left, no figure left. After any compaction in flight (it holds this
                        -- transaction-level advisory lock: ItemStatsCompactor.LockKey), or it would fold
                        -- changes back in after these deletes.
                        PERFORM pg_advisory_xact_lock(5292966982293152116);
                        DELETE FROM item_stat_changes;
                        DELETE FROM item_stats;
                        DELETE FROM item_daily_stats;
                        PERFORM pg_notify('item_stats_changed', '');
                        RETURN NULL;
                    END IF;
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO item_stat_changes (item_id, day, rating_count, rating_sum, liked_count)
                        SELECT item_id, item_stat_day(rated_at), count(*), sum(value::float8), count(*) FILTER (WHERE value >= liked)
                        FROM new_rows GROUP BY 1, 2;
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO item_stat_changes (item_id, day, rating_count, rating_sum, liked_count)
                        SELECT item_id, item_stat_day(rated_at), -count(*), -sum(value::float8), -count(*) FILTER (WHERE value >= liked)
                        FROM old_rows GROUP BY 1, 2;
                    ELSE
                        -- Only value and rated_at matter: an update that changes neither nets to nothing.
                        INSERT INTO item_stat_changes (item_id, day, rating_count, rating_sum, liked_count)
                        SELECT item_id, day, sum(n), sum(s), sum(l)
                        FROM (SELECT item_id, item_stat_day(rated_at) AS day, 1 AS n, value::float8 AS s,
                                     CASE WHEN value >= liked THEN 1 ELSE 0 END AS l FROM new_rows
                              UNION ALL
                              SELECT item_id, item_stat_day(rated_at), -1, -value::float8,
                                     CASE WHEN value >= liked THEN -1 ELSE 0 END FROM old_rows) c
                        GROUP BY 1, 2
                        HAVING sum(n) <> 0 OR sum(s) <> 0 OR sum(l) <> 0;
                    END IF;
                    IF FOUND THEN
                        PERFORM pg_notify('item_stats_changed', '');
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The function as FreshStatsAndErasure made it, before the liked_count columns go.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION record_item_stat_changes() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'TRUNCATE' THEN
                        -- No rating left, no figure left. After any compaction in flight (it holds this
                        -- transaction-level advisory lock: ItemStatsCompactor.LockKey), or it would fold
                        -- changes back in after these deletes.
                        PERFORM pg_advisory_xact_lock(5292966982293152116);
                        DELETE FROM item_stat_changes;
                        DELETE FROM item_stats;
                        DELETE FROM item_daily_stats;
                        PERFORM pg_notify('item_stats_changed', '');
                        RETURN NULL;
                    END IF;
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO item_stat_changes (item_id, day, rating_count, rating_sum)
                        SELECT item_id, item_stat_day(rated_at), count(*), sum(value::float8)
                        FROM new_rows GROUP BY 1, 2;
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO item_stat_changes (item_id, day, rating_count, rating_sum)
                        SELECT item_id, item_stat_day(rated_at), -count(*), -sum(value::float8)
                        FROM old_rows GROUP BY 1, 2;
                    ELSE
                        -- Only value and rated_at matter: an update that changes neither nets to nothing.
                        INSERT INTO item_stat_changes (item_id, day, rating_count, rating_sum)
                        SELECT item_id, day, sum(n), sum(s)
                        FROM (SELECT item_id, item_stat_day(rated_at) AS day, 1 AS n, value::float8 AS s FROM new_rows
                              UNION ALL
                              SELECT item_id, item_stat_day(rated_at), -1, -value::float8 FROM old_rows) c
                        GROUP BY 1, 2
                        HAVING sum(n) <> 0 OR sum(s) <> 0;
                    END IF;
                    IF FOUND THEN
                        PERFORM pg_notify('item_stats_changed', '');
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);

            migrationBuilder.DropTable(
                name: "item_stats_settings");

            migrationBuilder.DropColumn(
                name: "liked_count",
                table: "item_stats");

            migrationBuilder.DropColumn(
                name: "liked_count",
                table: "item_stat_changes");

            migrationBuilder.DropColumn(
                name: "liked_count",
                table: "item_daily_stats");
        }
    }
}
