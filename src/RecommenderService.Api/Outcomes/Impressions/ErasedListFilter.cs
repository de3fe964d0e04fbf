using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Privacy;
using RecommenderService.Api.Users.Erasure;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// Keeps the lists of erased users out of <c>impressions</c>. An erasure deletes the user's impressions; a list served
/// before it may still be queued, here or on another replica that has not yet heard of it. So each batch's transaction
/// takes <see cref="ErasedListLock"/> (shared) and then looks its users up in <c>erased_users</c>, and an erasure takes
/// it exclusively before its delete.
/// </summary>
public sealed class ErasedListFilter(ErasedUsers erased, KeyedIds keyedIds)
{
    /// <summary>
    /// The impressions of <paramref name="batch"/> whose user was not erased, read under the shared lock in
    /// <paramref name="transaction"/> (which then writes them).
    /// </summary>
    public async Task<List<Impression>> KeepAsync(List<Impression> batch, NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        // Keyed hashes under the current key, the key every erasure is recorded with; erasures under older keys are
        // long known to this replica, which asks erased.IsErased first.
        var users = new List<string>();
        var hashes = new List<byte[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var gone = new HashSet<string>(StringComparer.Ordinal);
        foreach (var impression in batch)
            if (impression.UserId is { } user && seen.Add(user))
            {
                if (erased.IsErased(user)) gone.Add(user);
                else
                {
                    users.Add(user);
                    hashes.Add(keyedIds.Current.Hash(user));
                }
            }
        if (users.Count > 0) await LookUpAsync(users, hashes, gone, connection, transaction, cancellationToken);
        return gone.Count == 0 ? batch : batch.FindAll(i => i.UserId is null || !gone.Contains(i.UserId));
    }

    private static async Task LookUpAsync(List<string> users, List<byte[]> hashes, HashSet<string> gone, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var lookup = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(ErasedListLock.WriteSql),
                new NpgsqlBatchCommand("SELECT external_id_hash FROM erased_users WHERE external_id_hash = ANY($1)")
                {
                    Parameters = { new NpgsqlParameter { Value = hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea } },
                },
            },
        };
        await using var reader = await lookup.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        // Almost always no row: a linear search per erased user costs less than a map of every hash.
        while (await reader.ReadAsync(cancellationToken))
        {
            var hash = reader.GetFieldValue<byte[]>(0);
            gone.Add(users[hashes.FindIndex(h => h.AsSpan().SequenceEqual(hash))]);
        }
    }
}
