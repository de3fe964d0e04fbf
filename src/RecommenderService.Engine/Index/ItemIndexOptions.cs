namespace RecommenderService.Engine;

/// <summary>
/// How an <see cref="ItemIndex"/> is built and searched: the HNSW graph's connectivity and expansion factors
/// (Malkov and Yashunin, "Efficient and robust approximate nearest neighbor search using Hierarchical Navigable Small
/// World graphs", 2016: M, efConstruction, ef) and how many candidates a list asks for before it re-ranks them exactly.
/// </summary>
/// <remarks>Defaults measured in docs/decisions/0013-hnsw-candidates.md.</remarks>
public sealed record ItemIndexOptions
{
    /// <summary>The defaults the service and the CLI use.</summary>
    public static ItemIndexOptions Default { get; } = new();

    /// <summary>M: links per node and layer (the base layer has 2M). More: better recall, more memory, slower build.</summary>
    public int Connectivity { get; init; } = 16;

    /// <summary>efConstruction: the candidate list while inserting. More: a better graph, a slower build.</summary>
    public int ExpansionAdd { get; init; } = 64;

    /// <summary>
    /// ef: the candidate list while searching, at least the number of candidates asked for. More: better recall, slower search.
    /// </summary>
    public int ExpansionSearch { get; init; } = 64;

    /// <summary>
    /// Candidates a list takes from the index before re-ranking them with the full list score; a list that runs out
    /// (exclusions, filters, a deep page) asks for four times as many, up to a scan of every item.
    /// </summary>
    public int Candidates { get; init; } = 150;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Connectivity is < 2 or > 256) throw new ArgumentOutOfRangeException(nameof(Connectivity), Connectivity, "Connectivity must be 2–256.");
        if (ExpansionAdd is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(ExpansionAdd), ExpansionAdd, "ExpansionAdd must be 1–4096.");
        if (ExpansionSearch is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(ExpansionSearch), ExpansionSearch, "ExpansionSearch must be 1–4096.");
        if (Candidates is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(Candidates), Candidates, "Candidates must be 1–100000.");
    }
}
