using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using RecommenderService.Api.Notifications;

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
/// Owner of <c>erased_users</c>. Ids are kept as SHA-256 hashes (see <c>ErasedUserEntity</c> for why).
/// Until the first load has succeeded no stored vector is used at all (<see cref="MayUseStoredVector"/>):
/// this replica cannot yet tell who was erased.
/// </remarks>
public sealed class ErasedUsers(NpgsqlDataSource database, ILogger<ErasedUsers> logger)
{
    private readonly Lock _writes = new();
    private ConcurrentDictionary<string, byte> _hashes = new(StringComparer.Ordinal);
    private volatile bool _loaded;

    /// <summary>Whether the persisted erasures have been read at least once.</summary>
    public bool IsLoaded => _loaded;

    /// <summary>Whether <paramref name="userId"/> is known to have been erased.</summary>
    public bool IsErased(string userId) => Volatile.Read(ref _hashes).ContainsKey(Hash(userId));

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
    public void AddErased(string userId) => Remember(Hash(userId));

    private void Remember(string hash)
    {
        lock (_writes) _hashes[hash] = 0;
    }

    /// <summary>Reads every persisted erasure, replacing what this replica knew.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var hashes = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand("SELECT external_id_hash FROM erased_users"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                hashes[Convert.ToHexString(reader.GetFieldValue<byte[]>(0))] = 0;
        }
        lock (_writes)
        {
            // Notices that arrived during the read are in the old set; keep them.
            foreach (var hash in _hashes.Keys) hashes[hash] = 0;
            Volatile.Write(ref _hashes, hashes);
            _loaded = true;
        }
        logger.LogInformation("Loaded {Count} erased users", hashes.Count);
    }

    /// <summary>
    /// Records the erasure of <paramref name="userId"/> and announces it; part of the erasing transaction,
    /// so it is persisted and heard exactly when the erasure commits.
    /// </summary>
    public static NpgsqlBatchCommand RecordCommand(string userId)
    {
        var command = new NpgsqlBatchCommand($"""
            WITH recorded AS (
                INSERT INTO erased_users (external_id_hash, erased_at) VALUES ($1, now())
                ON CONFLICT (external_id_hash) DO UPDATE SET erased_at = excluded.erased_at
                RETURNING external_id_hash)
            SELECT pg_notify('{NotificationChannels.UserErasures}', upper(encode(external_id_hash, 'hex'))) FROM recorded
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = HashBytes(userId), NpgsqlDbType = NpgsqlDbType.Bytea });
        return command;
    }

    private static byte[] HashBytes(string userId) => SHA256.HashData(Encoding.UTF8.GetBytes(userId));

    private static string Hash(string userId) => Convert.ToHexString(HashBytes(userId));
}
