using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Infrastructure;
using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Persistence;
using RecommenderService.Api.Users;

namespace RecommenderService.Api.Ratings.Import;

/// <summary>What an import did: ratings stored, or the first bad lines and nothing stored.</summary>
public sealed record RatingImportResult(long Imported, TimeSpan Elapsed, IReadOnlyList<CsvLineError> Errors);

/// <summary>
/// The bulk path. The CSV body is parsed as it streams in, into compact rows that name users and items by
/// small numbers (each distinct id text is kept once). Then, in one transaction: the distinct users are
/// upserted and the distinct items inserted (each in one sorted statement), which gives their database ids;
/// the rows are keyed by those ids, sorted, and the last line for a (user, item) pair kept; and the ratings
/// are written with binary COPY of integer keys: straight into <c>ratings</c> for users this transaction
/// created, through a temporary staging table and an upsert for users that existed. A bad line stops the
/// import after at most <see cref="MaxReportedErrors"/> of them and nothing is stored.
/// </summary>
/// <remarks>
/// Memory: the body is never held, and at most one chunk of parsed lines
/// (<see cref="IngestOptions.ImportChunkRows"/>; up to about 175 bytes a line when every id is new) is in
/// memory at a time, plus the one being written. An import that fits in one chunk is written as described above; a
/// longer one is written chunk by chunk in one transaction (<see cref="ImportSpill"/>), each chunk while the next is
/// parsed, so memory stays bounded whatever the size of the file.
/// </remarks>
public sealed class RatingImporter(NpgsqlDataSource dataSource, IOptions<RatingScaleOptions> scale, IOptions<IngestOptions> limits,
    UserRatingsCache cache, PopularityCache popularity, IngestMetrics metrics, ILogger<RatingImporter> logger)
{
    public const int MaxReportedErrors = 10;

    /// <summary>
    /// Import statements run as long as they need: a large import's statements take minutes on a busy
    /// server, and the default 30 s would abort (and roll back) an import that was progressing. The request's
    /// cancellation (the client going away) still stops them.
    /// </summary>
    internal const int NoTimeout = 0;

    /// <summary>After a bad line, read this much further for more of them, then answer (not the whole body).</summary>
    public const int MaxLinesAfterError = 10_000;

    // Users and items are created in sorted order and ratings written in key order, as RatingWriter does,
    // so an import and concurrent writers lock rows in the same order. xmax = 0 tells the users this
    // transaction created from those it updated; now() is the transaction's time, for lines without one.
    private const string UpsertUsersSql = """
        INSERT INTO users (external_id, ratings_changed_at)
        SELECT u, now() FROM unnest($1::text[]) AS u ORDER BY u COLLATE "C"
        ON CONFLICT (external_id) DO UPDATE SET ratings_changed_at = now()
        RETURNING id, external_id, xmax = 0 AS created, now()
        """;

    internal const string InsertItemsSql = """
        INSERT INTO items (external_id)
        SELECT i FROM unnest($1::text[]) AS i ORDER BY i COLLATE "C"
        ON CONFLICT (external_id) DO NOTHING
        """;

    // A statement of its own: in READ COMMITTED it sees items another transaction committed while the insert above
    // waited on them. The rows are locked (FOR KEY SHARE: catalogue updates go on) because the ratings are written
    // later by these keys: an item erasure waits for the import, then deletes its ratings too. An item erased in the
    // instant between the two statements is not returned: see ResolveErasedItemsAsync.
    internal const string ItemIdsSql = "SELECT id, external_id FROM items WHERE external_id = ANY($1::text[]) ORDER BY id FOR KEY SHARE";

    // A user this transaction created cannot have a stored rating yet: ids are never reused, a deleted
    // user's ratings go with them, and any other writer of that user waits for this commit on the user row.
    // Their ratings are copied straight into the table, in key order.
    private const string CopyNewUsersRatingsSql = "COPY ratings (user_id, item_id, value, rated_at) FROM STDIN (FORMAT BINARY)";

    // Room to sort many staged rows in memory rather than on disk.
    private const string CreateStagingSql = """
        CREATE TEMP TABLE rating_import (user_id int NOT NULL, item_id int NOT NULL, value real NOT NULL,
                                         rated_at timestamptz NOT NULL) ON COMMIT DROP;
        SET LOCAL work_mem = '256MB'
        """;

    private const string CopyStagingSql = "COPY rating_import (user_id, item_id, value, rated_at) FROM STDIN (FORMAT BINARY)";

    // The staged rows are distinct pairs already, copied in key order.
    private const string UpsertKnownUsersRatingsSql = """
        INSERT INTO ratings (user_id, item_id, value, rated_at)
        SELECT user_id, item_id, value, rated_at FROM rating_import ORDER BY user_id, item_id
        ON CONFLICT (user_id, item_id) DO UPDATE
            SET value = excluded.value, rated_at = excluded.rated_at, updated_at = now()
        """;

    /// <summary>Imports the CSV in <paramref name="body"/>; a body over <paramref name="maxBytes"/> is a 413 (nothing stored).</summary>
    public async Task<RatingImportResult> ImportAsync(PipeReader body, long maxBytes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var parser = new CsvRatingParser(scale.Value.Scale, DateTime.UtcNow);
        var parsed = new List<CsvRating>(4096);
        var errors = new List<CsvLineError>();
        var chunkRows = limits.Value.ImportChunkRows;
        var rows = new ImportRows();
        ImportSpill? spill = null;
        var writing = Task.CompletedTask;
        long consumed = 0;
        try
        {
            while (errors.Count < MaxReportedErrors && (errors.Count == 0 || parser.LinesRead < errors[0].Line + MaxLinesAfterError))
            {
                var read = await body.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                var before = buffer.Length;
                parser.Parse(ref buffer, read.IsCompleted, parsed, errors);
                consumed += before - buffer.Length;
                body.AdvanceTo(buffer.Start, buffer.End);
                // Kestrel enforces the route's limit itself; this holds on hosts that do not.
                if (consumed + buffer.Length > maxBytes) throw BoundedJsonBody.TooLarge(maxBytes);

                // Once a line is bad nothing will be stored: keep parsing only to report a few more.
                if (errors.Count == 0)
                    foreach (var rating in parsed)
                    {
                        rows.Add(rating);
                        if (rows.Count < chunkRows) continue;
                        // More than a chunk: from here on the lines go to the staging table, exactly a chunk at a
                        // time whatever the size of the network reads.
                        // One chunk is written while the next is parsed: the database and the parser each have a core.
                        spill ??= await ImportSpill.BeginAsync(dataSource, logger, cancellationToken);
                        await writing;
                        writing = spill.StageAsync(rows, cancellationToken);
                        rows = new ImportRows();
                    }
                parsed.Clear();
                if (read.IsCompleted) break;
            }

            if (errors.Count > 0)
            {
                logger.LogInformation("CSV import refused: {Errors} bad line(s), the first on line {Line}", errors.Count, errors[0].Line);
                return new RatingImportResult(0, clock.Elapsed, errors.Take(MaxReportedErrors).ToList());
            }

            long imported;
            if (spill is null)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                imported = await MergeAsync(connection, transaction, rows, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                await writing;
                await spill.StageAsync(rows, cancellationToken);
                rows = new ImportRows();
                imported = await spill.CommitAsync(cancellationToken);
            }
            metrics.Stored(IngestMetrics.Route.Import, imported);
            // In memory the imported users are known; a chunked import keeps memory bounded and does not hold
            // them, so this replica drops its own cache (the other replicas drop exactly the imported users,
            // named in the notices each chunk sent).
            await AfterCommitAsync(spill is null ? rows.UserIds : null);

            logger.LogInformation("Imported {Ratings} ratings from {Lines} CSV lines in {Seconds:F2} s ({Path})",
                imported, parser.LinesRead, clock.Elapsed.TotalSeconds, spill is null ? "in memory" : "chunked");
            return new RatingImportResult(imported, clock.Elapsed, []);
        }
        finally
        {
            // Rolls back whatever was written unless it committed; a chunk still being written is let finish (or fail) first.
            if (spill is not null)
            {
                try
                {
                    await writing;
                }
                catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException)
                {
                    logger.LogDebug("A chunk of an import that stops failed: {Error}", exception.Message);
                }
                await spill.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// What this replica does once an import has committed (the others hear the same from the notices):
    /// forget exactly the imported users, and rank the new data before answering, so a newcomer asking this
    /// replica right after the import gets the new popular list.
    /// </summary>
    private async Task AfterCommitAsync(List<string>? users)
    {
        if (users is null) cache.Clear();
        else foreach (var user in users) cache.Invalidate(user);
        try
        {
            await popularity.RefreshAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The import is committed; the list follows on the change notice or the safety-net refresh.
            logger.LogWarning("Popularity refresh after import failed: {Error}", ex.Message);
        }
    }

    /// <summary>
    /// The database part, behind a savepoint: the rows are in memory, so the whole of it can run again if
    /// PostgreSQL picks this transaction as a deadlock victim.
    /// </summary>
    private async Task<long> MergeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ImportRows rows, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await transaction.SaveAsync("merge", cancellationToken);
            try
            {
                return await WriteAsync(connection, transaction, rows, cancellationToken);
            }
            catch (PostgresException exception) when (TransactionRetry.IsRetryable(exception) && attempt < TransactionRetry.MaxAttempts)
            {
                logger.LogInformation("Import merge failed with {SqlState} (attempt {Attempt}); merging again", exception.SqlState, attempt);
                await transaction.RollbackAsync("merge", cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken);
            }
        }
    }

    private static async Task<long> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ImportRows rows, CancellationToken cancellationToken)
    {
        var (userDbIds, itemDbIds, userCreated, now) = await UpsertIdsWithCreationAsync(connection, transaction, rows, cancellationToken);

        var (keys, order, distinct) = rows.LastOfEachPair(userDbIds, itemDbIds);
        var known = 0;
        for (var j = 0; j < distinct; j++)
            if (!userCreated[rows.Users[order[j]]]) known++;

        if (known > 0)
        {
            await using (var create = new NpgsqlCommand(CreateStagingSql, connection, transaction) { CommandTimeout = NoTimeout })
                await create.ExecuteNonQueryAsync(cancellationToken);
            await CopyAsync(connection, CopyStagingSql, rows, keys, order, distinct, userCreated, created: false, now, cancellationToken);
            await using var upsert = new NpgsqlCommand(UpsertKnownUsersRatingsSql, connection, transaction) { CommandTimeout = NoTimeout };
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (distinct > known)
            await CopyAsync(connection, CopyNewUsersRatingsSql, rows, keys, order, distinct, userCreated, created: true, now, cancellationToken);
        return distinct;
    }

    /// <summary>Creates or stamps the rows' users and creates their items, in sorted order; their keys, which users are new, and now(). The notices name every user.</summary>
    private static async Task<(int[] UserKeys, int[] ItemKeys, bool[] UserCreated, DateTime Now)> UpsertIdsWithCreationAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ImportRows rows, CancellationToken cancellationToken)
    {
        var userDbIds = new int[rows.UserCount];
        var userCreated = new bool[rows.UserCount];
        var itemDbIds = new int[rows.ItemCount];
        DateTime now = default;

        // Users, then items, each in one sorted statement (the lock order of every writer).
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            Timeout = NoTimeout,
            BatchCommands =
            {
                Command(UpsertUsersSql, Text(rows.UserIds)),
                Command(InsertItemsSql, Text(rows.ItemIds)),
                Command(ItemIdsSql, Text(rows.ItemIds)),
            },
        };
        // Every imported user by name (several notices for many users), never "drop everyone": a million
        // users is ~1,800 notices (14 MB) that a replica handles in about a second, and the cache entries of
        // users the import did not touch stay warm. Delivered on commit only.
        batch.BatchCommands.Add(Command(RatingChangeChannel.NotifySql, new NpgsqlParameter
            {
                Value = RatingChangeChannel.Encode(rows.UserIds), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
            }));
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var index = rows.UserIndex(reader.GetString(1));
                userDbIds[index] = reader.GetInt32(0);
                userCreated[index] = reader.GetBoolean(2);
                now = reader.GetDateTime(3);
            }
            // The item insert returns no rows; the next result is the item ids.
            while (await reader.NextResultAsync(cancellationToken) && reader.FieldCount != 2) { }
            while (await reader.ReadAsync(cancellationToken))
                itemDbIds[rows.ItemIndex(reader.GetString(1))] = reader.GetInt32(0);
        }
        await ResolveErasedItemsAsync(connection, transaction, rows, itemDbIds, cancellationToken);
        return (userDbIds, itemDbIds, userCreated, now);
    }

    /// <summary>
    /// Fills the keys <see cref="ItemIdsSql"/> did not return: items erased after <see cref="InsertItemsSql"/> passed
    /// them. The import then comes after the erasure, and creates them again as new items, as a rating written after
    /// an erasure does. Identity keys start at 1, so 0 is "not found".
    /// </summary>
    internal static async Task ResolveErasedItemsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ImportRows rows,
        int[] itemKeys, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var missing = rows.ItemIds.Where((_, index) => itemKeys[index] == 0).ToList();
            if (missing.Count == 0) return;
            // Each pass needs another erasure of the same item to commit in between: this bounds a pathological race.
            if (attempt > TransactionRetry.MaxAttempts)
                throw new InvalidOperationException($"{missing.Count} item(s) of the import were erased again on every attempt to create them.");
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                Timeout = NoTimeout,
                BatchCommands = { Command(InsertItemsSql, Text(missing)), Command(ItemIdsSql, Text(missing)) },
            };
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            while (await reader.NextResultAsync(cancellationToken) && reader.FieldCount != 2) { }
            while (await reader.ReadAsync(cancellationToken))
                itemKeys[rows.ItemIndex(reader.GetString(1))] = reader.GetInt32(0);
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string sql, ImportRows rows, long[] keys, int[] order, int distinct,
        bool[] userCreated, bool created, DateTime now, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync(sql, cancellationToken);
        copy.Timeout = TimeSpan.Zero;
        for (var i = 0; i < distinct; i++)
        {
            var row = order[i];
            if (userCreated[rows.Users[row]] != created) continue;
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync((int)(keys[i] >> 32), NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync((int)keys[i], NpgsqlDbType.Integer, cancellationToken);
            await copy.WriteAsync(rows.Values[row], NpgsqlDbType.Real, cancellationToken);
            var ticks = rows.RatedAtTicks[row];
            await copy.WriteAsync(ticks == ImportRows.NoTime ? now : new DateTime(ticks, DateTimeKind.Utc), NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    internal static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    internal static NpgsqlParameter Text(List<string> values) =>
        new() { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
