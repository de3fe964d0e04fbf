namespace RecommenderService.Engine;

/// <summary>What an <see cref="ItemIndex"/> finds the nearest rows by.</summary>
public enum IndexMetric
{
    /// <summary>The largest x·y: candidates for a user's list (maximum inner-product search).</summary>
    InnerProduct,

    /// <summary>The largest cosine: similar items.</summary>
    Cosine,
}
