using System.ComponentModel.DataAnnotations;
using RecommenderService.Engine;

namespace RecommenderService.Api.Model.Loading;

/// <summary>
/// When a loaded model's lists and similar items come from HNSW indexes instead of a scan of every item (section
/// <c>ItemIndex</c>, docs/operations.md), and how the indexes are built and searched. Validated on start: a bad value
/// stops the start with a message naming the setting.
/// </summary>
public sealed class ItemIndexSettings
{
    public const string SectionName = "ItemIndex";

    /// <summary>Whether large catalogues get indexes at all; false: every list scans every item.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A model with at least this many items is indexed at load; smaller ones keep the exact scan.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "ItemIndex:MinItems must be a whole number from 1")]
    public int MinItems { get; set; } = 50_000;

    /// <summary>HNSW links per node and layer (M).</summary>
    [Range(2, 256, ErrorMessage = "ItemIndex:Connectivity must be 2 to 256")]
    public int Connectivity { get; set; } = ItemIndexOptions.Default.Connectivity;

    /// <summary>HNSW candidate list while building (efConstruction).</summary>
    [Range(1, 4096, ErrorMessage = "ItemIndex:ExpansionAdd must be 1 to 4096")]
    public int ExpansionAdd { get; set; } = ItemIndexOptions.Default.ExpansionAdd;

    /// <summary>HNSW candidate list while searching (ef), raised to the candidates asked for.</summary>
    [Range(1, 4096, ErrorMessage = "ItemIndex:ExpansionSearch must be 1 to 4096")]
    public int ExpansionSearch { get; set; } = ItemIndexOptions.Default.ExpansionSearch;

    /// <summary>Candidates a list or a similar-items list takes from an index before re-ranking them exactly.</summary>
    [Range(1, 100_000, ErrorMessage = "ItemIndex:Candidates must be 1 to 100000")]
    public int Candidates { get; set; } = ItemIndexOptions.Default.Candidates;

    /// <summary>Whether a model of <paramref name="items"/> items (with a ranking head) is indexed.</summary>
    public bool Indexes(int items) => Enabled && items >= MinItems;

    public ItemIndexOptions ToOptions() => new()
    {
        Connectivity = Connectivity, ExpansionAdd = ExpansionAdd, ExpansionSearch = ExpansionSearch, Candidates = Candidates,
    };
}
