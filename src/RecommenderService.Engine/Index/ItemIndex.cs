using System.Buffers;
using Cloud.Unum.USearch;

namespace RecommenderService.Engine;

/// <summary>
/// An HNSW graph (USearch) over the first <see cref="Count"/> rows of an item factor matrix, searched for the rows with
/// the largest inner product with a query (<see cref="IndexMetric.InnerProduct"/>, the candidates of a list) or the largest
/// cosine (<see cref="IndexMetric.Cosine"/>, similar items). Approximate: callers re-rank what it finds exactly.
/// </summary>
/// <remarks>
/// <para>Keys are item indices. Rows appended to a model after the index was built (<see cref="ColdItems.Append"/>) are
/// not in it; callers scan those themselves. Immutable once built, and safe to search from many threads: the native
/// index keeps one search context per hardware thread, so searches take one of as many slots as the machine has cores.</para>
/// <para>Its native memory is freed when it is collected (the USearch handle's finaliser); the collector is told how much
/// there is, so a replaced model's index does not linger until a late full collection.</para>
/// </remarks>
public sealed class ItemIndex
{
    private readonly USearchIndex _index;
    private readonly SemaphoreSlim _slots;
    private readonly long _pressure;

    private ItemIndex(USearchIndex index, int count, int dimensions, IndexMetric metric, ItemIndexOptions options)
    {
        _index = index;
        Count = count;
        Dimensions = dimensions;
        Metric = metric;
        Options = options;
        _slots = new SemaphoreSlim(Math.Max(1, Environment.ProcessorCount));
        // Vectors, base-layer links (2M per node, 4-byte slots) and the upper layers' share, as USearch lays them out.
        _pressure = (long)count * (dimensions * 4L + options.Connectivity * 2L * 4 + 32);
        GC.AddMemoryPressure(_pressure);
    }

    ~ItemIndex() => GC.RemoveMemoryPressure(_pressure);

    /// <summary>How many rows (items 0 … Count − 1) the index holds.</summary>
    public int Count { get; }

    /// <summary>The factor dimension of its rows.</summary>
    public int Dimensions { get; }

    public IndexMetric Metric { get; }

    public ItemIndexOptions Options { get; }

    /// <summary>The approximate native memory the index holds, in bytes.</summary>
    public long Bytes => _pressure;

    /// <summary>
    /// Builds the index over rows 0 … <paramref name="count"/> − 1 of <paramref name="rows"/> (row-major,
    /// <paramref name="dimensions"/> floats a row), inserting in item order: the same rows give the same graph.
    /// </summary>
    public static ItemIndex Build(ReadOnlySpan<float> rows, int dimensions, int count, IndexMetric metric, ItemIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (rows.Length < (long)count * dimensions) throw new ArgumentException("Not enough rows.", nameof(rows));
        var index = new USearchIndex(metric == IndexMetric.Cosine ? MetricKind.Cos : MetricKind.Ip, ScalarKind.Float32, (ulong)dimensions,
            (ulong)options.Connectivity, (ulong)options.ExpansionAdd, (ulong)options.ExpansionSearch);
        try
        {
            if (count > 0)
            {
                // The batch overload reserves the whole capacity once, then inserts row by row.
                var keys = new ulong[count];
                var vectors = new float[count][];
                for (var i = 0; i < count; i++)
                {
                    keys[i] = (ulong)i;
                    vectors[i] = rows.Slice(i * dimensions, dimensions).ToArray();
                }
                index.Add(keys, vectors);
            }
            return new ItemIndex(index, count, dimensions, metric, options);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>Writes the native index to <paramref name="path"/> (USearch's own file format).</summary>
    public void Save(string path) => _index.Save(path);

    /// <summary>
    /// Loads an index <see cref="Save"/> wrote, built with <paramref name="options"/> over <paramref name="count"/> rows of
    /// <paramref name="dimensions"/> factors.
    /// </summary>
    /// <exception cref="ModelFormatException">The file holds another number of rows or factors.</exception>
    public static ItemIndex Load(string path, int count, int dimensions, IndexMetric metric, ItemIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var index = new USearchIndex(path);
        try
        {
            if (index.Size() != (ulong)count || index.Dimensions() != (ulong)dimensions)
                throw new ModelFormatException(
                    $"The stored {metric} index holds {index.Size()} rows of {index.Dimensions()} factors, not {count} of {dimensions}.");
            return new ItemIndex(index, count, dimensions, metric, options);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes into <paramref name="items"/> up to its length of the items nearest <paramref name="query"/> (best first by
    /// the index's reckoning) and returns how many it wrote; at most <see cref="Count"/>.
    /// </summary>
    /// <exception cref="USearchException">The native search failed (callers fall back to scanning).</exception>
    public int Search(ReadOnlySpan<float> query, Span<int> items)
    {
        if (query.Length != Dimensions)
            throw new ArgumentException($"The query has {query.Length} factors; the index has {Dimensions}.", nameof(query));
        if (items.IsEmpty || Count == 0) return 0;
        // The binding takes arrays; a rented one may be longer, and the native side reads only the first Dimensions.
        var vector = ArrayPool<float>.Shared.Rent(Dimensions);
        query.CopyTo(vector);
        _slots.Wait();
        try
        {
            var found = _index.Search(vector, Math.Min(items.Length, Count), out var keys, out _);
            for (var i = 0; i < found; i++) items[i] = (int)keys[i];
            return found;
        }
        finally
        {
            _slots.Release();
            ArrayPool<float>.Shared.Return(vector);
        }
    }
}
