namespace RecommenderService.Engine;

/// <summary>What a popularity list ranks items by.</summary>
public enum PopularityList
{
    /// <summary>The number of ratings: the top-N literature's "most popular" baseline, and the gate's yardstick.</summary>
    MostRated,

    /// <summary>The damped mean (C·μ + Σr) / (C + n): the list the service serves as popularity.</summary>
    DampedMean,
}
