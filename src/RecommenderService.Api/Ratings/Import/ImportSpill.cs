using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Persistence;

namespace RecommenderService.Api.Ratings.Import;

/// <summary>
/// The path of an import larger than one chunk (<see cref="IngestOptions.ImportChunkRows"/> lines),
/// which keeps the replica's memory bounded whatever the size of the file. One transaction from the first
/// full chunk to the end: each chunk's users and items are upserted (sorted, as every writer does) to get
/// their keys, and its lines are copied (binary COPY of integer keys) into a temporary staging table with
/// their position in the file, then the chunk is dropped from memory. At the end one statement keeps the
/// last line of every (user, item) pair and upserts them into <c>ratings</c> in key order. A bad line, an
/// error or a dropped connection rolls the whole transaction back: still all or nothing.
/// </summary>
/// <remarks>
/// A user is stamped changed and named in a notice once per import, by the chunk that first meets them: a
/// generated or exported file names most users in every chunk, and stamping them again would write a new
/// version of every user row per chunk (a 25M-line import of 162k users: 16M dead rows) and repeat every
/// name in the notices a hundred times.
/// Chunks lock their users in sorted order within a chunk, not across chunks, so a concurrent writer can
/// deadlock with an import; PostgreSQL then aborts one of them. If it picks the import, only the current
/// chunk is run again (a savepoint; its rows are still in memory); a writer runs its whole transaction again
/// (<see cref="TransactionRetry"/>).
/// </remarks>
internal sealed class ImportSpill : IAsyncDisposable
{
    // Room to sort the staged rows in memory rather than on disk; PostgreSQL spills to disk beyond it.
    private const string CreateStagingSql = """
        CREATE TEMP TABLE rating_import_spill (ordinal bigint NOT NULL, user_id int NOT NULL, item_id int NOT NULL,
                                               value real NOT NULL, rated_at timestamptz) ON COMMIT DROP;
        SET LOCAL work_mem = '256MB'
        """;

    private const string CopySql = "COPY rating_import_spill (ordinal, user_id, item_id, value, rated_at) FROM STDIN (FORMAT BINARY)";

    // The last line of a pair wins; rows are upserted in key order (the lock order of every writer); now()
    // is the transaction's time, for lines without a timestamp.
    private const string MergeSql = """
        INSERT INTO ratings (user_id, item_id, value, rated_at)
        SELECT DISTINCT ON (user_id, item_id) user_id, item_id, value, coalesce(rated_at, now())
        FROM rating_import_spill
        ORDER BY user_id, item_id, ordinal DESC
        ON CONFLICT (user_id, item_id) DO UPDATE
            SET value = excluded.value, rated_at = excluded.rated_at, updated_at = now()
        """;

    // Creates or stamps the chunk's users in sorted order (the lock order of every writer). ON CONFLICT DO UPDATE
    // locks every conflicting row, also those its WHERE skips, so the import holds all its users as before;
    // but only users not yet stamped by this transaction (now() is its start time) get a new row version, and
    // only they come back, to be named in this chunk's notices.
    private const string StampUsersSql = """
        INSERT INTO users (external_id, ratings_changed_at)
        SELECT u, now() FROM unnest($1::text[]) AS u ORDER BY u COLLATE "C"
        ON CONFLICT (external_id) DO UPDATE SET ratings_changed_at = now()
            WHERE users.ratings_changed_at IS DISTINCT FROM now()
        RETURNING external_id
        """;

    private const string UserIdsSql = "SELECT id, external_id FROM users WHERE external_id = ANY($1::text[])";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly ILogger _logger;
    private long _staged;

    private ImportSpill(NpgsqlConnection connection, NpgsqlTransaction transaction, ILogger logger)
    {
        _connection = connection;
        _transaction = transaction;
        _logger = logger;
    }

    /// <summary>Lines staged so far.</summary>
    public long Staged => _staged;

    public static async Task<ImportSpill> BeginAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var create = new NpgsqlCommand(CreateStagingSql, connection, transaction) { CommandTimeout = RatingImporter.NoTimeout })
                await create.ExecuteNonQueryAsync(cancellationToken);
            return new ImportSpill(connection, transaction, logger);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stages one chunk; the caller may reuse or drop <paramref name="rows"/> afterwards.</summary>
    public async Task StageAsync(ImportRows rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        for (var attempt = 1; ; attempt++)
        {
            await _transaction.SaveAsync("chunk", cancellationToken);
            try
            {
                await StageChunkAsync(rows, cancellationToken);
                await _transaction.ReleaseAsync("chunk", cancellationToken);
                break;
            }
            catch (PostgresException exception) when (TransactionRetry.IsRetryable(exception) && attempt < TransactionRetry.MaxAttempts)
            {
                _logger.LogInformation("Import chunk failed with {SqlState} (attempt {Attempt}); staging it again", exception.SqlState, attempt);
                await _transaction.RollbackAsync("chunk", cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken);
            }
        }
        _staged += rows.Count;
    }

    private async Task StageChunkAsync(ImportRows rows, CancellationToken cancellationToken)
    {
        var (userKeys, itemKeys) = await UpsertIdsAsync(rows, cancellationToken);

        await using var copy = await _connection.BeginBinaryImportAsync(CopySql, cancellationToken);
        copy.Timeout = TimeSpan.Zero; // see RatingImporter.NoTimeout
        for (var i = 0; i < rows.Count; i++)
        {
            // Synchronous writes: they only block when the COPY buffer is full, and are much cheaper per field.
            copy.StartRow();
            copy.Write(_staged + i, NpgsqlDbType.Bigint);
            copy.Write(userKeys[rows.Users[i]], NpgsqlDbType.Integer);
            copy.Write(itemKeys[rows.Items[i]], NpgsqlDbType.Integer);
            copy.Write(rows.Values[i], NpgsqlDbType.Real);
            var ticks = rows.RatedAtTicks[i];
            if (ticks == ImportRows.NoTime) copy.WriteNull();
            else copy.Write(new DateTime(ticks, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Keys of the chunk's users and items. Users met for the first time in this import are stamped and named in
    /// notices, delivered only if the whole import commits.
    /// </summary>
    private async Task<(int[] UserKeys, int[] ItemKeys)> UpsertIdsAsync(ImportRows rows, CancellationToken cancellationToken)
    {
        var stamped = new List<string>();
        await using (var stamp = new NpgsqlCommand(StampUsersSql, _connection, _transaction) { CommandTimeout = RatingImporter.NoTimeout })
        {
            stamp.Parameters.Add(RatingImporter.Text(rows.UserIds));
            await using var reader = await stamp.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) stamped.Add(reader.GetString(0));
        }

        var userKeys = new int[rows.UserCount];
        var itemKeys = new int[rows.ItemCount];
        await using var batch = new NpgsqlBatch(_connection, _transaction)
        {
            Timeout = RatingImporter.NoTimeout,
            BatchCommands =
            {
                RatingImporter.Command(UserIdsSql, RatingImporter.Text(rows.UserIds)),
                RatingImporter.Command(RatingImporter.InsertItemsSql, RatingImporter.Text(rows.ItemIds)),
                RatingImporter.Command(RatingImporter.ItemIdsSql, RatingImporter.Text(rows.ItemIds)),
            },
        };
        if (stamped.Count > 0)
            batch.BatchCommands.Add(RatingImporter.Command(RatingChangeChannel.NotifySql, new NpgsqlParameter
            {
                Value = RatingChangeChannel.Encode(stamped), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
            }));
        await using (var ids = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await ids.ReadAsync(cancellationToken))
                userKeys[rows.UserIndex(ids.GetString(1))] = ids.GetInt32(0);
            // The item insert returns no rows; the next result with two columns is the item ids.
            while (await ids.NextResultAsync(cancellationToken) && ids.FieldCount != 2) { }
            while (await ids.ReadAsync(cancellationToken))
                itemKeys[rows.ItemIndex(ids.GetString(1))] = ids.GetInt32(0);
        }
        await RatingImporter.ResolveErasedItemsAsync(_connection, _transaction, rows, itemKeys, cancellationToken);
        return (userKeys, itemKeys);
    }

    /// <summary>Merges everything staged into <c>ratings</c> and commits (which delivers the chunks' notices); the ratings stored.</summary>
    public async Task<long> CommitAsync(CancellationToken cancellationToken)
    {
        long imported;
        await using (var merge = new NpgsqlCommand(MergeSql, _connection, _transaction) { CommandTimeout = RatingImporter.NoTimeout })
            imported = await merge.ExecuteNonQueryAsync(cancellationToken);
        await _transaction.CommitAsync(cancellationToken);
        return imported;
    }

    /// <summary>Rolls back unless committed, and returns the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
