using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Notifications;
using RecommenderService.Api.Privacy;

namespace RecommenderService.Api.Users.Erasure;

/// <summary>
/// Every user ever erased, known to every replica: persisted in <c>erased_users</c> by the erasing
/// transaction, announced on <see cref="NotificationChannels.UserErasures"/> when it commits, and loaded whole at start-up and after
/// a missed notice. Serving asks it before it uses any stored model vector, because a model in memory, a
/// model preloaded before the erasure, or an older version activated by a rollback may all still hold the
/// erased user's vector: an erased user is served as unknown (popularity), or folded in from ratings
/// written after the erasure (all they have, since the erasure deleted the earlier ones) — never from a
/// stored vector.
/// </summary>
/// <remarks>
/// Owner of <c>erased_users</c>. Ids are kept as keyed hashes (<see cref="KeyedIds"/>; see <c>ErasedUserEntity</c>
/// for why). Rows recorded as plain SHA-256 hashes are re-keyed when they are read.
/// Until the first load has succeeded no stored vector is used at all (<see cref="MayUseStoredVector"/>):
/// this replica cannot yet tell who was erased.
/// </remarks>
public sealed class ErasedUsers(NpgsqlDataSource database, KeyedIds keyedIds, ILogger<ErasedUsers> logger)
{
    /// <summary>The key id of rows hashed with plain SHA-256, before hashes were keyed.</summary>
    public const string PlainSha256 = "sha256";

    private readonly Lock _writes = new();
    private ConcurrentDictionary<string, byte> _hashes = new(StringComparer.Ordinal);
    // The keys that have hashes here; the current one always, since new erasures are recorded with it.
    private IdHashKey[] _keysInUse = [keyedIds.Current];
    private volatile bool _loaded;

    /// <summary>Whether the persisted erasures have been read at least once.</summary>
    public bool IsLoaded => _loaded;

    /// <summary>Whether <paramref name="userId"/> is known to have been erased.</summary>
    public bool IsErased(string userId)
    {
        var hashes = Volatile.Read(ref _hashes);
        // Asked on every list; most services have erased nobody, so skip the hashing then.
        if (hashes.IsEmpty) return false;
        foreach (var key in Volatile.Read(ref _keysInUse))
            if (hashes.ContainsKey(Convert.ToHexString(key.Hash(userId)))) return true;
        return false;
    }

    /// <summary>Whether a stored model's vector of <paramref name="userId"/> may be served.</summary>
    public bool MayUseStoredVector(string userId) => _loaded && !IsErased(userId);

    /// <summary>Remembers an erasure announced by a replica (a hex hash); anything else is ignored.</summary>
    public void Add(string hexHash)
    {
        if (hexHash.Length != 64 || !hexHash.All(Uri.IsHexDigit))
        {
            logger.LogWarning("Ignoring a malformed erasure notice of {Length} characters", hexHash.Length);
            return;
        }
        Remember(hexHash.ToUpperInvariant());
    }

    /// <summary>Remembers an erasure this replica has just committed (before any notice comes back).</summary>
    public void AddErased(string userId) => Remember(Convert.ToHexString(keyedIds.Current.Hash(userId)));

    private void Remember(string hash)
    {
        lock (_writes) _hashes[hash] = 0;
    }

    /// <summary>Reads every persisted erasure, replacing what this replica knew; re-keys plain SHA-256 rows.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var hashes = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var keysById = keyedIds.Keys.ToDictionary(k => k.Id, StringComparer.Ordinal);
        var inUse = new HashSet<IdHashKey> { keyedIds.Current };
        var plain = new List<byte[]>();
        var unknown = 0;
        await using (var command = database.CreateCommand("SELECT external_id_hash, key_id FROM erased_users"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var hash = reader.GetFieldValue<byte[]>(0);
                var keyId = reader.GetString(1);
                if (keyId == PlainSha256) plain.Add(hash);
                else if (keysById.TryGetValue(keyId, out var key))
                {
                    hashes[Convert.ToHexString(hash)] = 0;
                    inUse.Add(key);
                }
                else unknown++;
            }
        }
        if (plain.Count > 0)
            foreach (var hash in await RekeyAsync(plain, cancellationToken)) hashes[Convert.ToHexString(hash)] = 0;
        if (unknown > 0)
            logger.LogError("{Count} erased users were recorded under a hash key that is not configured; they cannot be recognised until that key is added to Privacy:PreviousIdHashKeys", unknown);
        lock (_writes)
        {
            // Notices that arrived during the read are in the old set; keep them.
            foreach (var hash in _hashes.Keys) hashes[hash] = 0;
            Volatile.Write(ref _keysInUse, inUse.OrderBy(k => k == keyedIds.Current ? 0 : 1).ToArray());
            Volatile.Write(ref _hashes, hashes);
            _loaded = true;
        }
        logger.LogInformation("Loaded {Count} erased users", hashes.Count);
    }

    /// <summary>
    /// Replaces plain SHA-256 rows with their keyed hashes under the current key, keeping when they were erased; safe
    /// when several replicas do it at once. Returns the keyed hashes.
    /// </summary>
    private async Task<byte[][]> RekeyAsync(List<byte[]> plain, CancellationToken cancellationToken)
    {
        var keyed = plain.Select(keyedIds.Current.Rekey).ToArray();
        await using var command = database.CreateCommand("""
            WITH old AS (
                DELETE FROM erased_users WHERE key_id = $4 AND external_id_hash = ANY($1) RETURNING external_id_hash, erased_at)
            INSERT INTO erased_users (external_id_hash, key_id, erased_at)
            SELECT pair.keyed, $3, old.erased_at
            FROM old JOIN unnest($1, $2) AS pair(plain, keyed) ON pair.plain = old.external_id_hash
            ON CONFLICT (external_id_hash) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = plain.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = keyed, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = keyedIds.Current.Id, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = PlainSha256, NpgsqlDbType = NpgsqlDbType.Text });
        var rekeyed = await command.ExecuteNonQueryAsync(cancellationToken);
        logger.LogInformation("Re-keyed {Count} erased users recorded as plain SHA-256 hashes", rekeyed);
        return keyed;
    }

    /// <summary>
    /// Records the erasure of <paramref name="userId"/> and announces it; part of the erasing transaction,
    /// so it is persisted and heard exactly when the erasure commits.
    /// </summary>
    public NpgsqlBatchCommand RecordCommand(string userId)
    {
        var command = new NpgsqlBatchCommand($"""
            WITH recorded AS (
                INSERT INTO erased_users (external_id_hash, key_id, erased_at) VALUES ($1, $2, now())
                ON CONFLICT (external_id_hash) DO UPDATE SET erased_at = excluded.erased_at
                RETURNING external_id_hash)
            SELECT pg_notify('{NotificationChannels.UserErasures}', upper(encode(external_id_hash, 'hex'))) FROM recorded
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = keyedIds.Current.Hash(userId), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = keyedIds.Current.Id, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }
}
