using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Persistence;

namespace RecommenderService.Api.Ratings.Import;

/// <summary>
/// The path of an import larger than one chunk (<see cref="IngestOptions.ImportChunkRows"/> lines), which keeps the
/// replica's memory bounded whatever the size of the file. One transaction from the first full chunk to the end, and
/// each chunk is written into <c>ratings</c> as it comes, in file order, so a later line of a pair replaces an earlier
/// one and the last line wins as in the in-memory path. A chunk: the users and items it names for the first time are
/// upserted (sorted, as every writer does) for their keys, which are kept for later chunks (<see cref="ImportKeys"/>);
/// its lines are keyed, sorted and the last line of each pair kept; ratings of users this chunk created are copied
/// (binary COPY of integer keys) straight into <c>ratings</c>, the others through a staging table and one upsert.
/// Then the chunk is dropped from memory. A bad line, an error or a dropped connection rolls the whole transaction
/// back: still all or nothing.
/// </summary>
/// <remarks>
/// Written chunk by chunk rather than staged whole and merged at the end: the merge of an 8.5M-line import was one
/// upsert of 8.5M rows (a sort of them all, a conflict check per row and one trigger transition table of them all),
/// three quarters of the import's time. Now a user-ordered file (an export, a generated file) goes almost entirely by
/// COPY, and nothing sorts more than a chunk.
/// A user is stamped changed and named in a notice once per import, by the chunk that first meets them: a generated
/// or exported file names most users in every chunk, and stamping them again would write a new version of every user
/// row per chunk and repeat every name in the notices a hundred times.
/// Chunks lock their users in sorted order within a chunk, not across chunks, so a concurrent writer can deadlock
/// with an import; PostgreSQL then aborts one of them. If it picks the import, only the current chunk is run again (a
/// savepoint; its rows are still in memory); a writer runs its whole transaction again (<see cref="TransactionRetry"/>).
/// </remarks>
internal sealed class ImportSpill : IAsyncDisposable
{
    // Room for a chunk's sort and for the rating triggers' transition table of a chunk (about 20 MB) in memory rather
    // than in temporary files; the transaction's time, for lines without a timestamp (as every writer uses).
    private const string CreateStagingSql = """
        CREATE TEMP TABLE rating_import_chunk (user_id int NOT NULL, item_id int NOT NULL, value real NOT NULL,
                                               rated_at timestamptz NOT NULL) ON COMMIT DROP;
        SET LOCAL work_mem = '64MB';
        SELECT now()
        """;

    private const string CopyStagingSql = "COPY rating_import_chunk (user_id, item_id, value, rated_at) FROM STDIN (FORMAT BINARY)";

    private const string CopyRatingsSql = "COPY ratings (user_id, item_id, value, rated_at) FROM STDIN (FORMAT BINARY)";

    // The staged rows are distinct pairs, copied in key order (the lock order of every writer). A pair counts as
    // imported unless an earlier chunk of this import wrote it: such a row was created in this transaction
    // (created_at = now()), a row stored before was not, and a row this statement inserts has no xmax.
    private const string UpsertStagedSql = """
        WITH written AS (
            INSERT INTO ratings (user_id, item_id, value, rated_at)
            SELECT user_id, item_id, value, rated_at FROM rating_import_chunk ORDER BY user_id, item_id
            ON CONFLICT (user_id, item_id) DO UPDATE
                SET value = excluded.value, rated_at = excluded.rated_at, updated_at = now()
            RETURNING xmax = 0 OR created_at <> now() AS new_pair)
        SELECT count(*) FILTER (WHERE new_pair) FROM written;
        TRUNCATE rating_import_chunk
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
        RETURNING id, external_id, xmax = 0 AS created
        """;

    private const string UserIdsSql = "SELECT id, external_id FROM users WHERE external_id = ANY($1::text[])";

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly DateTime _now;
    private readonly ILogger _logger;
    private readonly ImportKeys _keys = new();
    private long _imported;

    private ImportSpill(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTime now, ILogger logger)
    {
        _connection = connection;
        _transaction = transaction;
        _now = now;
        _logger = logger;
    }

    public static async Task<ImportSpill> BeginAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var create = new NpgsqlCommand(CreateStagingSql, connection, transaction) { CommandTimeout = RatingImporter.NoTimeout };
            var now = (DateTime)(await create.ExecuteScalarAsync(cancellationToken))!;
            return new ImportSpill(connection, transaction, now, logger);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes one chunk; the caller may drop <paramref name="rows"/> once this completes.</summary>
    public async Task StageAsync(ImportRows rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        for (var attempt = 1; ; attempt++)
        {
            await _transaction.SaveAsync("chunk", cancellationToken);
            try
            {
                var (userKeys, itemKeys, written) = await WriteChunkAsync(rows, cancellationToken);
                await _transaction.ReleaseAsync("chunk", cancellationToken);
                _keys.Remember(rows, userKeys, itemKeys);
                _imported += written;
                return;
            }
            catch (PostgresException exception) when (TransactionRetry.IsRetryable(exception) && attempt < TransactionRetry.MaxAttempts)
            {
                _logger.LogInformation("Import chunk failed with {SqlState} (attempt {Attempt}); writing it again", exception.SqlState, attempt);
                await _transaction.RollbackAsync("chunk", cancellationToken);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50) * attempt), cancellationToken);
            }
        }
    }

    private async Task<(int[] UserKeys, int[] ItemKeys, long Written)> WriteChunkAsync(ImportRows rows, CancellationToken cancellationToken)
    {
        var (userKeys, itemKeys, userCreated) = await ResolveKeysAsync(rows, cancellationToken);

        var (keys, order, distinct) = rows.LastOfEachPair(userKeys, itemKeys);
        var created = 0;
        for (var j = 0; j < distinct; j++)
            if (userCreated[rows.Users[order[j]]]) created++;

        long written = created;
        if (distinct > created)
        {
            await CopyAsync(CopyStagingSql, rows, keys, order, distinct, userCreated, created: false, cancellationToken);
            await using var upsert = new NpgsqlCommand(UpsertStagedSql, _connection, _transaction) { CommandTimeout = RatingImporter.NoTimeout };
            written += (long)(await upsert.ExecuteScalarAsync(cancellationToken))!;
        }
        // A user this chunk created cannot have a stored rating yet (see RatingImporter's CopyNewUsersRatingsSql).
        if (created > 0)
            await CopyAsync(CopyRatingsSql, rows, keys, order, distinct, userCreated, created: true, cancellationToken);
        return (userKeys, itemKeys, written);
    }

    private async Task CopyAsync(string sql, ImportRows rows, long[] keys, int[] order, int distinct, bool[] userCreated, bool created,
        CancellationToken cancellationToken)
    {
        await using var copy = await _connection.BeginBinaryImportAsync(sql, cancellationToken);
        copy.Timeout = TimeSpan.Zero; // see RatingImporter.NoTimeout
        for (var i = 0; i < distinct; i++)
        {
            var row = order[i];
            if (userCreated[rows.Users[row]] != created) continue;
            // Synchronous writes: they only block when the COPY buffer is full, and are much cheaper per field.
            copy.StartRow();
            copy.Write((int)(keys[i] >> 32), NpgsqlDbType.Integer);
            copy.Write((int)keys[i], NpgsqlDbType.Integer);
            copy.Write(rows.Values[row], NpgsqlDbType.Real);
            var ticks = rows.RatedAtTicks[row];
            copy.Write(ticks == ImportRows.NoTime ? _now : new DateTime(ticks, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Keys of the chunk's users and items, and which users this chunk created. Ids an earlier chunk resolved are
    /// remembered; users met for the first time in this import are stamped and named in notices, delivered only if
    /// the whole import commits.
    /// </summary>
    private async Task<(int[] UserKeys, int[] ItemKeys, bool[] UserCreated)> ResolveKeysAsync(ImportRows rows, CancellationToken cancellationToken)
    {
        var userKeys = new int[rows.UserCount];
        var userCreated = new bool[rows.UserCount];
        var itemKeys = new int[rows.ItemCount];
        var newUsers = new List<string>();
        var newItems = new List<string>();
        for (var i = 0; i < rows.UserCount; i++)
            if (!_keys.TryGetUser(rows.UserIds[i], out userKeys[i])) newUsers.Add(rows.UserIds[i]);
        for (var i = 0; i < rows.ItemCount; i++)
            if (!_keys.TryGetItem(rows.ItemIds[i], out itemKeys[i])) newItems.Add(rows.ItemIds[i]);

        var stamped = new List<string>();
        if (newUsers.Count > 0)
        {
            await using (var stamp = new NpgsqlCommand(StampUsersSql, _connection, _transaction) { CommandTimeout = RatingImporter.NoTimeout })
            {
                stamp.Parameters.Add(RatingImporter.Text(newUsers));
                await using var reader = await stamp.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var index = rows.UserIndex(reader.GetString(1));
                    userKeys[index] = reader.GetInt32(0);
                    userCreated[index] = reader.GetBoolean(2);
                    stamped.Add(reader.GetString(1));
                }
            }
            // Users this import stamped already (an earlier chunk whose keys were forgotten) did not come back.
            if (stamped.Count < newUsers.Count)
            {
                var unstamped = newUsers.Where(id => userKeys[rows.UserIndex(id)] == 0).ToList();
                await using var ids = new NpgsqlCommand(UserIdsSql, _connection, _transaction) { CommandTimeout = RatingImporter.NoTimeout };
                ids.Parameters.Add(RatingImporter.Text(unstamped));
                await using var reader = await ids.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    userKeys[rows.UserIndex(reader.GetString(1))] = reader.GetInt32(0);
            }
        }

        if (newItems.Count == 0 && stamped.Count == 0) return (userKeys, itemKeys, userCreated);
        await using (var batch = new NpgsqlBatch(_connection, _transaction) { Timeout = RatingImporter.NoTimeout })
        {
            if (newItems.Count > 0)
            {
                batch.BatchCommands.Add(RatingImporter.Command(RatingImporter.InsertItemsSql, RatingImporter.Text(newItems)));
                batch.BatchCommands.Add(RatingImporter.Command(RatingImporter.ItemIdsSql, RatingImporter.Text(newItems)));
            }
            if (stamped.Count > 0)
                batch.BatchCommands.Add(RatingImporter.Command(RatingChangeChannel.NotifySql, new NpgsqlParameter
                {
                    Value = RatingChangeChannel.Encode(stamped), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
                }));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            // The item insert returns no rows; the next result with two columns is the item ids.
            do
            {
                if (reader.FieldCount != 2) continue;
                while (await reader.ReadAsync(cancellationToken))
                    itemKeys[rows.ItemIndex(reader.GetString(1))] = reader.GetInt32(0);
            }
            while (await reader.NextResultAsync(cancellationToken));
        }
        await RatingImporter.ResolveErasedItemsAsync(_connection, _transaction, rows, itemKeys, cancellationToken);
        return (userKeys, itemKeys, userCreated);
    }

    /// <summary>Commits every chunk written (which delivers their notices); the distinct pairs stored.</summary>
    public async Task<long> CommitAsync(CancellationToken cancellationToken)
    {
        await _transaction.CommitAsync(cancellationToken);
        return _imported;
    }

    /// <summary>Rolls back unless committed, and returns the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
