using System.Collections.Concurrent;
using System.Globalization;

using Npgsql;

using RecommenderService.Api.Notifications;
using RecommenderService.Engine;

namespace RecommenderService.Api.Items.Erasure;

/// <summary>
/// Every item ever erased, known to every replica: persisted in <c>erased_items</c> by the erasing transaction,
/// announced on <see cref="NotificationChannels.ItemErasures"/> when it commits, and loaded whole at start-up and after a missed notice. Serving
/// asks it before it uses an item's stored vectors, because the model in memory, a model preloaded before the erasure,
/// or an older version activated by a rollback may all still hold them: a model whose data was read before the erasure
/// (its data cut-off not later than the erasure plus <see cref="Margin"/>) never serves the item.
/// An id created again after its erasure is served from the first model trained after it.
/// </summary>
public sealed class ErasedItems(NpgsqlDataSource database, ILogger<ErasedItems> logger)
{
    /// <summary>
    /// A model whose data was read this soon after an erasure is treated as older than it: the erasure's time is taken
    /// just before its transaction commits, and a training read that started in between still saw the item's ratings.
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, long Heard)> _erased = new(StringComparer.Ordinal);
    private long _heard;
    private sealed record ModelIndices(FactorModel Model, DateTimeOffset DataCutoff, long Heard, int[] Indices);

    private ModelIndices? _indices;
    private volatile bool _loaded;

    public bool IsLoaded => _loaded;

    /// <summary>Grows with every erasure this replica learns of; a popular list computed at one value knows every erasure up to it.</summary>
    public long Heard => Interlocked.Read(ref _heard);

    /// <summary>Whether a model trained on the ratings up to <paramref name="dataCutoff"/> may serve its vectors of <paramref name="itemId"/>.</summary>
    public bool MayServe(string itemId, DateTimeOffset dataCutoff) =>
        !_erased.TryGetValue(itemId, out var erasure) || dataCutoff > erasure.At + Margin;

    /// <summary>Whether <paramref name="itemId"/> was erased after a list was computed at <paramref name="heard"/>.</summary>
    public bool ErasedAfter(string itemId, long heard) => _erased.TryGetValue(itemId, out var erasure) && erasure.Heard > heard;

    /// <summary>
    /// The indices in <paramref name="model"/> (trained on the ratings up to <paramref name="dataCutoff"/>) of the items it
    /// may not serve, computed once per model and erasure.
    /// </summary>
    public int[] IndicesIn(FactorModel model, DateTimeOffset dataCutoff)
    {
        var heard = Heard;
        var cached = Volatile.Read(ref _indices);
        if (cached is { } hit && ReferenceEquals(hit.Model, model) && hit.DataCutoff == dataCutoff && hit.Heard == heard) return hit.Indices;
        var indices = new List<int>();
        foreach (var (id, erasure) in _erased)
            if (dataCutoff <= erasure.At + Margin && model.Items.TryGetIndex(id, out var index)) indices.Add(index);
        var result = indices.ToArray();
        Volatile.Write(ref _indices, new ModelIndices(model, dataCutoff, heard, result));
        return result;
    }

    /// <summary>Remembers an erasure announced by a replica; a malformed notice is ignored.</summary>
    public void Add(string payload)
    {
        var space = payload.IndexOf(' ');
        if (space <= 0 || !long.TryParse(payload.AsSpan(0, space), NumberStyles.Integer, CultureInfo.InvariantCulture, out var micros)
            || micros < 0 || micros > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() * 1000)
        {
            logger.LogWarning("Ignoring a malformed item erasure notice of {Length} characters", payload.Length);
            return;
        }
        Remember(payload[(space + 1)..], DateTimeOffset.UnixEpoch.AddTicks(micros * 10));
    }

    /// <summary>Remembers an erasure this replica has just committed (before its notice comes back).</summary>
    public void AddErased(string itemId, DateTimeOffset at) => Remember(itemId, at);

    private void Remember(string itemId, DateTimeOffset at)
    {
        var heard = Interlocked.Increment(ref _heard);
        _erased.AddOrUpdate(itemId, (at, heard), (_, before) => (before.At > at ? before.At : at, heard));
    }

    /// <summary>Reads every persisted erasure (adding to what notices already told).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await using (var command = database.CreateCommand("SELECT external_id, erased_at FROM erased_items"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetString(0);
                var at = reader.GetFieldValue<DateTimeOffset>(1);
                if (!_erased.TryGetValue(id, out var known) || known.At < at) Remember(id, at);
                count++;
            }
        }
        _loaded = true;
        logger.LogInformation("Loaded {Count} erased items", count);
    }

    /// <summary>
    /// Records the erasure of <paramref name="itemId"/> and announces it; part of the erasing transaction, so it is
    /// persisted and heard exactly when the erasure commits. Returns the recorded time.
    /// </summary>
    public static NpgsqlBatchCommand RecordCommand(string itemId)
    {
        // clock_timestamp(), not now(): as close to the commit as the transaction can tell.
        var command = new NpgsqlBatchCommand($"""
            WITH recorded AS (
                INSERT INTO erased_items (external_id, erased_at) VALUES ($1, clock_timestamp())
                ON CONFLICT (external_id) DO UPDATE SET erased_at = excluded.erased_at
                RETURNING external_id, erased_at)
            SELECT erased_at, pg_notify('{NotificationChannels.ItemErasures}',
                (extract(epoch FROM erased_at) * 1000000)::bigint::text || ' ' || external_id) FROM recorded
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = itemId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return command;
    }
}
