namespace RecommenderService.Engine;

/// <summary>
/// New-item exposure ("exploration", the cold-start answer "boost visibility temporarily"): which items count as new,
/// and what share of a personalised list's slots they get (<see cref="Exploration"/>).
/// </summary>
public sealed record ExplorationOptions
{
    /// <summary>The share chosen by <c>recsys simulate</c> (docs/benchmarks.md, "New-item exposure").</summary>
    public const double DefaultShare = 0.2;

    /// <summary>Positions 1–3 of a list are never exploration: the top of a list is what users judge it by.</summary>
    public const int ProtectedPositions = 3;

    /// <summary>
    /// The share of a list's slots from position 4 on that go to new items, in [0, 1); 0 = off. Amazon Personalize's
    /// "exploration weight" (default 0.3) weighs relevance against novelty; this is the plainer fraction of slots.
    /// </summary>
    public double Share { get; init; } = DefaultShare;

    /// <summary>An item with at most this many ratings counts as new (items known only from their attributes have 0).</summary>
    public int MaxRatings { get; init; } = 5;

    /// <summary>An item added to the catalogue at most this many days ago counts as new.</summary>
    public double MaxAgeDays { get; init; } = 30;

    /// <summary>Whether an item with <paramref name="ratings"/> ratings, added <paramref name="ageDays"/> days ago, is new.</summary>
    public bool IsNew(int ratings, double ageDays) => ratings <= MaxRatings && ageDays <= MaxAgeDays;

    /// <summary>Throws on settings out of range (a bad configuration must stop the start).</summary>
    public void Validate()
    {
        if (!(Share >= 0 && Share < 1)) throw new ArgumentOutOfRangeException(nameof(Share), Share, "The share must be in [0, 1).");
        if (MaxRatings < 0) throw new ArgumentOutOfRangeException(nameof(MaxRatings), MaxRatings, "Must be zero or positive.");
        if (!(MaxAgeDays >= 0) || double.IsInfinity(MaxAgeDays)) throw new ArgumentOutOfRangeException(nameof(MaxAgeDays), MaxAgeDays, "Must be zero or positive.");
    }
}
