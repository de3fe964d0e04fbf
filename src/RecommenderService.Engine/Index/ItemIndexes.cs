using System.Diagnostics;

namespace RecommenderService.Engine;

/// <summary>
/// The two HNSW indexes a large catalogue's ranking head serves from: inner product for list candidates
/// (<see cref="IndexedListScan"/>) and cosine for similar items (<see cref="ItemSimilarity"/>), both over the head's item
/// vectors y_i. Built once per model; read by every request.
/// </summary>
/// <param name="Lists">Maximum inner product x_u·y_i: a user's list candidates.</param>
/// <param name="Similar">Cosine of y_i and y_j: similar items; null when not built.</param>
/// <param name="BuildTime">How long building both took (they build side by side), or loading them when <see cref="Stored"/>.</param>
public sealed record ItemIndexes(ItemIndex Lists, ItemIndex? Similar, TimeSpan BuildTime)
{
    /// <summary>Whether they were read from storage (<see cref="ItemIndexFile"/>) rather than built.</summary>
    public bool Stored { get; init; }

    /// <summary>The approximate native memory both hold, in bytes.</summary>
    public long Bytes => Lists.Bytes + (Similar?.Bytes ?? 0);

    /// <summary>
    /// Builds both indexes over <paramref name="model"/>'s ranking head, on two threads, and attaches them to it
    /// (<see cref="RankingHead.UseIndexes"/>). Returns them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no ranking head, or its head has indexes already.</exception>
    public static ItemIndexes Build(FactorModel model, ItemIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var head = model.Ranking ?? throw new InvalidOperationException("The model has no ranking head.");
        if (head.Indexes is not null) throw new InvalidOperationException("The ranking head has indexes already.");
        var watch = Stopwatch.StartNew();
        var similar = Task.Run(() => ItemIndex.Build(head.ItemFactors, head.Factors, head.ItemCount, IndexMetric.Cosine, options));
        var lists = ItemIndex.Build(head.ItemFactors, head.Factors, head.ItemCount, IndexMetric.InnerProduct, options);
        var indexes = new ItemIndexes(lists, similar.GetAwaiter().GetResult(), watch.Elapsed);
        head.UseIndexes(indexes);
        return indexes;
    }
}
