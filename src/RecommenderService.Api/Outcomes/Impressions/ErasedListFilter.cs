using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Privacy;
using RecommenderService.Api.Users.Erasure;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// Keeps the lists of erased users out of <c>impressions</c>. An erasure deletes the user's impressions; a list served
/// before it may still be queued, here or on another replica that has not yet heard of it. So each batch's transaction
/// takes <see cref="ErasedListLock"/> (shared) and then looks its users up in <c>erased_users</c>, and an erasure takes
/// it exclusively before its delete. Used by the one <see cref="ImpressionWriter"/>, a batch at a time: its lists and
/// buffers are kept from batch to batch, so a lookup allocates nothing per user.
/// </summary>
public sealed class ErasedListFilter(ErasedUsers erased, KeyedIds keyedIds) : IDisposable
{
    // The batch's hashes travel as one bytea, cut into 32-byte hashes by the server.
    private const string LookUpSql = """
        SELECT external_id_hash FROM erased_users
        WHERE external_id_hash = ANY (ARRAY(SELECT substring($1 FROM i * 32 + 1 FOR 32) FROM generate_series(0, length($1) / 32 - 1) AS i))
        """;

    // Keyed hashes under the current key, the key every erasure is recorded with; erasures under older keys are
    // long known to this replica, which asks erased.IsErased first.
    private readonly IdHasher _hasher = new(keyedIds.Current);
    private readonly List<string> _users = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _gone = new(StringComparer.Ordinal);
    private byte[] _hashes = new byte[IdHasher.HashLength * 1024];

    /// <summary>
    /// The impressions of <paramref name="batch"/> whose user was not erased, read under the shared lock in
    /// <paramref name="transaction"/> (which then writes them).
    /// </summary>
    public async Task<List<Impression>> KeepAsync(List<Impression> batch, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        try
        {
            foreach (var impression in batch)
                if (impression.UserId is { } user && _seen.Add(user))
                {
                    if (erased.IsErased(user)) _gone.Add(user);
                    else _users.Add(user);
                }
            if (_users.Count > 0) await LookUpAsync(connection, transaction, cancellationToken);
            return _gone.Count == 0 ? batch : batch.FindAll(i => i.UserId is null || !_gone.Contains(i.UserId));
        }
        finally
        {
            // Not held past the batch: the user ids would outlive their lists.
            _users.Clear();
            _seen.Clear();
            _gone.Clear();
        }
    }

    public void Dispose() => _hasher.Dispose();

    private async Task LookUpAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var length = _users.Count * IdHasher.HashLength;
        if (_hashes.Length < length) _hashes = new byte[Math.Max(length, _hashes.Length * 2)];
        for (var k = 0; k < _users.Count; k++) _hasher.Hash(_users[k], _hashes.AsSpan(k * IdHasher.HashLength, IdHasher.HashLength));
        await using var lookup = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(ErasedListLock.WriteSql),
                new NpgsqlBatchCommand(LookUpSql)
                {
                    Parameters = { new NpgsqlParameter { Value = new ArraySegment<byte>(_hashes, 0, length), NpgsqlDbType = NpgsqlDbType.Bytea } },
                },
            },
        };
        await using var reader = await lookup.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        // Almost always no row: a linear search per erased user costs less than a map of every hash.
        while (await reader.ReadAsync(cancellationToken))
        {
            var hash = reader.GetFieldValue<byte[]>(0);
            for (var k = 0; k < _users.Count; k++)
                if (_hashes.AsSpan(k * IdHasher.HashLength, IdHasher.HashLength).SequenceEqual(hash))
                {
                    _gone.Add(_users[k]);
                    break;
                }
        }
    }
}
