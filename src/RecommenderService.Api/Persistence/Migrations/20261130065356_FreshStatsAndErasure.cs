using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace RecommenderService.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FreshStatsAndErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "erased_users",
                columns: table => new
                {
                    external_id_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    erased_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erased_users", x => x.external_id_hash);
                });

            migrationBuilder.CreateTable(
                name: "item_daily_stats",
                columns: table => new
                {
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    item_id = table.Column<int>(type: "integer", nullable: false),
                    rating_count = table.Column<long>(type: "bigint", nullable: false),
                    rating_sum = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_item_daily_stats", x => new { x.day, x.item_id });
                });

            migrationBuilder.CreateTable(
                name: "item_stat_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    item_id = table.Column<int>(type: "integer", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: true),
                    rating_count = table.Column<long>(type: "bigint", nullable: false),
                    rating_sum = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_item_stat_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "item_stats",
                columns: table => new
                {
                    item_id = table.Column<int>(type: "integer", nullable: false),
                    rating_count = table.Column<long>(type: "bigint", nullable: false),
                    rating_sum = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_item_stats", x => x.item_id);
                });

            // Every statement that changes ratings appends its net change per (item, UTC day) to
            // item_stat_changes and announces it on item_stats_changed, in the writing transaction. Statement
            // triggers with transition tables: one aggregate insert per statement (a COPY of a million rows
            // adds one row per item and day), append-only (writers never wait on each other's item rows, so
            // the writers' lock order is unchanged), and no writer can forget it. INSERT ... ON CONFLICT DO
            // UPDATE fires the INSERT trigger for inserted rows and the UPDATE trigger for replaced ones.
            // The day is kept only for ratings dated within the last 366 days (the longest popularity window
            // is 365): older ones can never enter a window again, and an import of years of history (where
            // items × days is nearly the number of ratings) then adds one row per item, not per item and day.
            migrationBuilder.Sql("""
                CREATE FUNCTION item_stat_day(rated_at timestamptz) RETURNS date LANGUAGE sql STABLE AS $$
                    SELECT CASE WHEN (rated_at AT TIME ZONE 'UTC')::date >= (now() AT TIME ZONE 'UTC')::date - 366
                                THEN (rated_at AT TIME ZONE 'UTC')::date END
                $$;

                CREATE FUNCTION record_item_stat_changes() RETURNS trigger LANGUAGE plpgsql AS $$
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

                CREATE TRIGGER ratings_stats_insert AFTER INSERT ON ratings
                    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_item_stat_changes();
                CREATE TRIGGER ratings_stats_update AFTER UPDATE ON ratings
                    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_item_stat_changes();
                CREATE TRIGGER ratings_stats_delete AFTER DELETE ON ratings
                    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_item_stat_changes();
                CREATE TRIGGER ratings_stats_truncate AFTER TRUNCATE ON ratings
                    FOR EACH STATEMENT EXECUTE FUNCTION record_item_stat_changes();
                """);

            // The figures of the ratings already stored. Creating the triggers took a lock on ratings that
            // makes every writer wait until this migration (one transaction) commits, so this counts exactly
            // the ratings committed before it: none twice, none missed.
            migrationBuilder.Sql("""
                INSERT INTO item_stats (item_id, rating_count, rating_sum)
                SELECT item_id, count(*), sum(value::float8) FROM ratings GROUP BY item_id;
                INSERT INTO item_daily_stats (day, item_id, rating_count, rating_sum)
                SELECT item_stat_day(rated_at), item_id, count(*), sum(value::float8) FROM ratings
                WHERE item_stat_day(rated_at) IS NOT NULL GROUP BY 1, 2;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER ratings_stats_insert ON ratings;
                DROP TRIGGER ratings_stats_update ON ratings;
                DROP TRIGGER ratings_stats_delete ON ratings;
                DROP TRIGGER ratings_stats_truncate ON ratings;
                DROP FUNCTION record_item_stat_changes();
                DROP FUNCTION item_stat_day(timestamptz);
                """);

            migrationBuilder.DropTable(
                name: "erased_users");

            migrationBuilder.DropTable(
                name: "item_daily_stats");

            migrationBuilder.DropTable(
                name: "item_stat_changes");

            migrationBuilder.DropTable(
                name: "item_stats");
        }
    }
}
