using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using Npgsql;
using RecommenderService.Api.Serving;
using NpgsqlTypes;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Options;

namespace RecommenderService.Api.Ingest;

/// <summary>What an import did: ratings stored, or the first bad lines and nothing stored.</summary>
public sealed record RatingImportResult(long Imported, TimeSpan Elapsed, IReadOnlyList<CsvLineError> Errors);

/// <summary>
/// The bulk path: a CSV body is parsed as it streams in and copied (binary COPY) into a temporary staging
/// table, then merged into users, items and ratings with a few set-based statements, all in one
/// transaction. The last line for a (user, item) pair wins. A bad line stops the import after at most
/// <see cref="MaxReportedErrors"/> of them and nothing is stored.
/// </summary>
public sealed class RatingImporter(NpgsqlDataSource dataSource, IOptions<RatingScaleOptions> scale, UserRatingsCache cache, PopularityCache popularity, ILogger<RatingImporter> logger)
{
    public const int MaxReportedErrors = 10;

    /// <summary>After a bad line, read this much further for more of them, then answer (not the whole body).</summary>
    public const int MaxLinesAfterError = 10_000;

    private const string CreateStagingSql = """
        CREATE TEMP TABLE rating_import (line bigint NOT NULL, user_ext text NOT NULL, item_ext text NOT NULL,
                                         value real NOT NULL, rated_at timestamptz) ON COMMIT DROP;
        CREATE TEMP TABLE import_users (id int NOT NULL, external_id text NOT NULL, created bool NOT NULL) ON COMMIT DROP
        """;

    private const string CopySql = "COPY rating_import (line, user_ext, item_ext, value, rated_at) FROM STDIN (FORMAT BINARY)";

    // Users and items are created in sorted order and ratings written in key order, as RatingWriter does,
    // so an import and concurrent batches lock rows in the same order. xmax = 0 tells the users this
    // transaction created from those it updated.
    private const string MergeUsersSql = """
        WITH merged AS (
            INSERT INTO users (external_id, ratings_changed_at)
            SELECT u, now() FROM (SELECT DISTINCT user_ext AS u FROM rating_import) AS d ORDER BY u COLLATE "C"
            ON CONFLICT (external_id) DO UPDATE SET ratings_changed_at = now()
            RETURNING id, external_id, xmax = 0 AS created)
        INSERT INTO import_users (id, external_id, created) SELECT id, external_id, created FROM merged
        """;

    private const string MergeItemsSql = """
        INSERT INTO items (external_id)
        SELECT i FROM (SELECT DISTINCT item_ext AS i FROM rating_import) AS d ORDER BY i COLLATE "C"
        ON CONFLICT (external_id) DO NOTHING
        """;

    // A user this transaction created cannot have a stored rating yet: ids are never reused, a deleted
    // user's ratings go with them, and any other writer of that user waits for this commit on the user row.
    // Their ratings go in with a plain INSERT, a third cheaper than one that checks for conflicts.
    private const string InsertNewUsersRatingsSql = """
        INSERT INTO ratings (user_id, item_id, value, rated_at)
        SELECT DISTINCT ON (u.id, i.id) u.id, i.id, s.value, coalesce(s.rated_at, now())
        FROM rating_import s
        JOIN import_users u ON u.external_id = s.user_ext AND u.created
        JOIN items i ON i.external_id = s.item_ext
        ORDER BY u.id, i.id, s.line DESC
        """;

    private const string UpsertKnownUsersRatingsSql = """
        INSERT INTO ratings (user_id, item_id, value, rated_at)
        SELECT DISTINCT ON (u.id, i.id) u.id, i.id, s.value, coalesce(s.rated_at, now())
        FROM rating_import s
        JOIN import_users u ON u.external_id = s.user_ext AND NOT u.created
        JOIN items i ON i.external_id = s.item_ext
        ORDER BY u.id, i.id, s.line DESC
        ON CONFLICT (user_id, item_id) DO UPDATE
            SET value = excluded.value, rated_at = excluded.rated_at, updated_at = now()
        """;

    private const string NotifyAllSql = $"SELECT pg_notify('{RatingChangeChannel.Name}', '{RatingChangeChannel.AllUsers}')";

    /// <summary>Imports the CSV in <paramref name="body"/>; a body over <paramref name="maxBytes"/> is a 413 (nothing stored).</summary>
    public async Task<RatingImportResult> ImportAsync(PipeReader body, long maxBytes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var parser = new CsvRatingParser(scale.Value.Scale, DateTime.UtcNow);
        var ratings = new List<CsvRating>(4096);
        var errors = new List<CsvLineError>();
        long consumed = 0;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(CreateStagingSql, connection, transaction))
            await create.ExecuteNonQueryAsync(cancellationToken);

        await using (var copy = await connection.BeginBinaryImportAsync(CopySql, cancellationToken))
        {
            while (errors.Count < MaxReportedErrors && (errors.Count == 0 || parser.LinesRead < errors[0].Line + MaxLinesAfterError))
            {
                var read = await body.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                var before = buffer.Length;
                parser.Parse(ref buffer, read.IsCompleted, ratings, errors);
                consumed += before - buffer.Length;
                body.AdvanceTo(buffer.Start, buffer.End);
                // Kestrel enforces the route's limit itself; this holds on hosts that do not.
                if (consumed + buffer.Length > maxBytes) throw BoundedJsonBody.TooLarge(maxBytes);

                // Once a line is bad nothing will be stored: keep parsing only to report a few more.
                if (errors.Count == 0)
                {
                    foreach (var rating in ratings) await WriteRowAsync(copy, rating, cancellationToken);
                }
                ratings.Clear();
                if (read.IsCompleted) break;
            }

            if (errors.Count > 0)
            {
                // Disposing the importer without completing it cancels the COPY; the transaction rolls back.
                logger.LogInformation("CSV import refused: {Errors} bad line(s), the first on line {Line}", errors.Count, errors[0].Line);
                return new RatingImportResult(0, clock.Elapsed, errors.Take(MaxReportedErrors).ToList());
            }
            await copy.CompleteAsync(cancellationToken);
        }

        // Room to sort a large file in memory rather than on disk.
        await using (var prepare = new NpgsqlCommand("SET LOCAL work_mem = '256MB'", connection, transaction))
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        var imported = await MergeAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // Many users changed: forget everyone here (other replicas hear "*"), and rank the new data now.
        cache.Clear();
        _ = popularity.RefreshAsync(CancellationToken.None).ContinueWith(
            t => logger.LogWarning("Popularity refresh after import failed: {Error}", t.Exception?.GetBaseException().Message),
            TaskContinuationOptions.OnlyOnFaulted);

        logger.LogInformation("Imported {Ratings} ratings from {Lines} CSV lines in {Seconds:F2} s",
            imported, parser.LinesRead, clock.Elapsed.TotalSeconds);
        return new RatingImportResult(imported, clock.Elapsed, []);
    }

    private static async ValueTask WriteRowAsync(NpgsqlBinaryImporter copy, CsvRating rating, CancellationToken cancellationToken)
    {
        await copy.StartRowAsync(cancellationToken);
        await copy.WriteAsync(rating.Line, NpgsqlDbType.Bigint, cancellationToken);
        await copy.WriteAsync(rating.UserId, NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(rating.ItemId, NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(rating.Value, NpgsqlDbType.Real, cancellationToken);
        if (rating.RatedAt is { } ratedAt)
            await copy.WriteAsync(ratedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        else
            await copy.WriteNullAsync(cancellationToken);
    }

    /// <summary>
    /// The set-based part, behind a savepoint: the streamed body cannot be read twice, but the staged rows
    /// can be merged again if PostgreSQL picks this transaction as a deadlock victim.
    /// </summary>
    private async Task<long> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await transaction.SaveAsync("merge", cancellationToken);
            try
            {
                await using var batch = new NpgsqlBatch(connection, transaction)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand(MergeUsersSql),
                        new NpgsqlBatchCommand(MergeItemsSql),
                        new NpgsqlBatchCommand(UpsertKnownUsersRatingsSql),
                        new NpgsqlBatchCommand(InsertNewUsersRatingsSql),
                        new NpgsqlBatchCommand(NotifyAllSql),
                    },
                };
                await batch.ExecuteNonQueryAsync(cancellationToken);
                return batch.BatchCommands[2].RecordsAffected + batch.BatchCommands[3].RecordsAffected;
            }
            catch (PostgresException exception) when (TransactionRetry.IsRetryable(exception) && attempt < TransactionRetry.MaxAttempts)
            {
                logger.LogInformation("Import merge failed with {SqlState} (attempt {Attempt}); merging again", exception.SqlState, attempt);
                await transaction.RollbackAsync("merge", cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken);
            }
        }
    }
}
